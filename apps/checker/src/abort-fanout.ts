type Callback = () => void;

const subscribers = new WeakMap<AbortSignal, Set<Callback>>();

/**
 * Calls `callback` when `signal` aborts; returns the unsubscribe function. One real listener per signal: the
 * worker's shutdown signal is shared by thousands of validations in flight, and EventTarget listener lists
 * cost O(n) per addition.
 */
export function onAbort(signal: AbortSignal, callback: Callback): Callback {
  let callbacks = subscribers.get(signal);
  if (callbacks === undefined) {
    const registered = new Set<Callback>();
    callbacks = registered;
    subscribers.set(signal, registered);
    signal.addEventListener('abort', () => {
      for (const waiting of registered) waiting();
      registered.clear();
    }, { once: true });
  }
  callbacks.add(callback);
  const subscribed = callbacks;
  return () => void subscribed.delete(callback);
}

/** A signal that never aborts, for validations nobody can abandon. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
