import { Redis } from 'ioredis';

/** Publish/subscribe over Redis so that any API replica can serve a subscription fed by any worker. */
export interface PubSub {
  publish(channel: string, payload: unknown): Promise<void>;
  /** Iterates messages published after the call resolves (shared between subscribers: read-only); `return()` unsubscribes. */
  subscribe<T>(channel: string): Promise<AsyncIterableIterator<T>>;
  close(): Promise<void>;
}

export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<(message: unknown) => void>>();

  constructor(redisUrl: string) {
    this.publisher = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.subscriber = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.subscriber.on('message', (channel: string, message: string) => {
      const set = this.listeners.get(channel);
      if (!set || set.size === 0) return;
      // Parsed once per message, not per subscriber: a fleet cutover fans out to many clients. Subscribers
      // share the value and treat it as read-only.
      let value: unknown;
      try {
        value = JSON.parse(message);
      } catch {
        return; // not ours: every publisher here writes JSON
      }
      for (const listener of set) listener(value);
    });
  }

  async publish(channel: string, payload: unknown): Promise<void> {
    await this.publisher.publish(channel, JSON.stringify(payload));
  }

  async subscribe<T>(channel: string): Promise<AsyncIterableIterator<T>> {
    const queue: T[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const listener = (message: unknown): void => {
      queue.push(message as T);
      wake?.();
    };
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(listener);
    const stop = async (): Promise<void> => {
      if (done) return;
      done = true;
      wake?.();
      const current = this.listeners.get(channel);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
    const iterator: AsyncIterableIterator<T> = {
      async next(): Promise<IteratorResult<T>> {
        while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        return { value: undefined, done: true };
      },
      async return(): Promise<IteratorResult<T>> {
        await stop();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  /** Plain key/value access on the publisher connection (last-known progress snapshots). */
  get redis(): Redis {
    return this.publisher;
  }
}
