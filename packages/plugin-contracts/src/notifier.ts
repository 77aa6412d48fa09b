/** An event as notifiers receive it. `version` is the payload schema version of `type`. */
export interface NotifierEvent {
  id: string;
  type: string;
  version: number;
  occurred_at: string;
  user_id: string | null;
  data: Record<string, unknown>;
}

export interface Notifier {
  readonly name: string;
  /** Glob patterns over event types: `*`, `credits.*`, `source.failing`. */
  readonly subscribes_to: readonly string[];
  /** Delivers one event; throws to signal a failed delivery (it will be retried). */
  deliver(event: NotifierEvent): Promise<void>;
}

export function defineNotifier(notifier: Notifier): Notifier {
  if (!notifier.name) throw new Error('notifier needs a name');
  if (notifier.subscribes_to.length === 0) throw new Error(`notifier ${notifier.name}: subscribes_to is empty`);
  return Object.freeze({ ...notifier, subscribes_to: [...notifier.subscribes_to] });
}

/** True when `eventType` matches one glob pattern (`*` matches any run of characters). */
export function matchesPattern(pattern: string, eventType: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return regex.test(eventType);
}

export function isSubscribed(notifier: Pick<Notifier, 'subscribes_to'>, eventType: string): boolean {
  return notifier.subscribes_to.some((pattern) => matchesPattern(pattern, eventType));
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
