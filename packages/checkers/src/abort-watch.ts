type Callback = () => void;

const watchers = new WeakMap<AbortSignal, Set<Callback>>();

/**
 * Calls `callback` when `signal` aborts; returns the unsubscribe function. One real listener per signal however
 * many checks and validations share it: a worker's shutdown signal is shared by thousands in flight, and
 * EventTarget listener lists cost O(n) per addition.
 */
export function watchAbort(signal: AbortSignal, callback: Callback): Callback {
  let callbacks = watchers.get(signal);
  if (callbacks === undefined) {
    const registered = new Set<Callback>();
    callbacks = registered;
    watchers.set(signal, registered);
    signal.addEventListener(
      'abort',
      () => {
        for (const waiting of registered) waiting();
        registered.clear();
      },
      { once: true },
    );
  }
  callbacks.add(callback);
  const subscribed = callbacks;
  return () => void subscribed.delete(callback);
}

/** A signal that never aborts, for validations nobody can abandon. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
