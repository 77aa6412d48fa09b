import { checkEventData } from './event-payloads.js';
import type { PoolEvent } from './events.js';
import { enqueue, type TypedQueue } from './typed-queues.js';

/** The one logger method publishing needs (a winston logger fits). */
export interface EventLogger {
  warn(message: string, meta: Record<string, unknown>): unknown;
}

export interface PublishOptions {
  /** Give up waiting for Redis after this long (the job may still land; its id makes that harmless). */
  timeoutMs?: number;
}

/**
 * Queues `event` on the `events` queue, fire-and-forget: the promise always resolves (true when queued), so
 * raising an event never fails or stalls the work that raised it. Errors, a slow Redis and events whose `data`
 * breaks their payload schema are logged and dropped. The job id is the event id, so a retried publish of the
 * same event queues it once.
 */
export async function publishEvent(
  eventsQueue: TypedQueue<'events'>,
  event: PoolEvent,
  logger: EventLogger,
  options: PublishOptions = {},
): Promise<boolean> {
  const meta = { event_id: event.id, type: event.type };
  const check = checkEventData(event.type, event.version, event.data);
  if (!check.ok) {
    logger.warn('event dropped: invalid payload', { ...meta, reason: check.reason });
    return false;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${options.timeoutMs ?? 2000} ms`)),
      options.timeoutMs ?? 2000,
    );
  });
  try {
    await Promise.race([enqueue(eventsQueue, 'events', event, { jobId: event.id }), timeout]);
    return true;
  } catch (error) {
    logger.warn('event not queued', { ...meta, error: error instanceof Error ? error.message : String(error) });
    return false;
  } finally {
    clearTimeout(timer);
  }
}
