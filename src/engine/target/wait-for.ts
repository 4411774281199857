// Polling a cloud resource until it reaches a state. OpenStack has no change notifications the engine could
// subscribe to, so every wait is a poll with a deadline and the engine's AbortSignal.

export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Between polls. Default 1 s. */
  intervalMs?: number;
  signal?: AbortSignal;
}

export type PollResult<T> = { done: true; value: T } | { done: false; state?: string };

/**
 * Calls `poll` until it reports done. Throws what `poll` throws, the signal's reason on abort, or
 * `onTimeout(lastState)` at the deadline.
 */
export async function pollUntil<T>(
  poll: () => Promise<PollResult<T>>,
  options: WaitOptions,
  onTimeout: (lastState: string | undefined) => Error,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 1000;
  for (;;) {
    options.signal?.throwIfAborted();
    const result = await poll();
    if (result.done) return result.value;
    const left = deadline - Date.now();
    if (left <= 0) throw onTimeout(result.state);
    await delay(Math.min(interval, left), options.signal);
  }
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
