import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import type { ControlChannel } from './migration-context.js';
import { controlChannel } from './migration-events.js';

/**
 * Control messages (cutover, cancel) for one running migration over Redis pub/sub. A cancel also trips the
 * abort controller at once, so a copy in flight stops within a chunk.
 */
export async function openControlChannel(
  pubsub: RedisPubSub,
  migrationId: string,
  onCancel: () => void,
): Promise<ControlChannel> {
  const live = await pubsub.subscribe<{ action: 'cutover' | 'cancel' | 'sync' }>(controlChannel(migrationId));
  const waiters = new Set<(action: 'cutover' | 'cancel' | 'sync') => void>();
  let closed = false;
  let pending: 'cutover' | 'cancel' | 'sync' | null = null;
  void (async () => {
    for await (const message of live) {
      if (message.action === 'cancel') onCancel();
      // A request that arrives while the runner is busy (mid-round) is kept for its next wait.
      if (waiters.size === 0) pending = message.action;
      for (const w of [...waiters]) w(message.action);
    }
  })().catch(() => undefined);
  return {
    wait: (ms, signal) =>
      new Promise((resolve) => {
        if (closed) return resolve('timeout');
        if (pending) {
          const action = pending;
          pending = null;
          return resolve(action);
        }
        const done = (value: 'cutover' | 'cancel' | 'sync' | 'timeout'): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        };
        const waiter = (action: 'cutover' | 'cancel' | 'sync'): void => done(action);
        const onAbort = (): void => done('cancel');
        const timer = setTimeout(() => done('timeout'), ms);
        waiters.add(waiter);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    close: async () => {
      closed = true;
      await live.return?.();
    },
  };
}
