import { Redis } from 'ioredis';

/** BullMQ wants blocking connections that never give up on a request (maxRetriesPerRequest: null). */
export function bullConnection(redisUrl: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true });
}
