type Callback = () => void;

const watchers = new WeakMap<AbortSignal, Set<Callback>>();

/**
 * Calls `callback` when `signal` aborts; returns the unsubscribe function. One listener per signal however many
 * checks share it (a worker's shutdown signal is shared by thousands of checks in flight).
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
