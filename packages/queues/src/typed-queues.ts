import { Queue, QueueEvents, UnrecoverableError, Worker, type Job, type JobsOptions, type WorkerOptions } from 'bullmq';
import type { RedisConnection } from './connection.js';
import { QUEUES, type PayloadOf, type QueueKey, type ResultOf } from './definitions.js';

export interface QueueContext {
  connection: RedisConnection;
  prefix: string;
}

export type TypedQueue<K extends QueueKey> = Queue<PayloadOf<K>, ResultOf<K>>;
export type TypedJob<K extends QueueKey> = Job<PayloadOf<K>, ResultOf<K>>;

export function createQueue<K extends QueueKey>(key: K, context: QueueContext): TypedQueue<K> {
  const definition = QUEUES[key];
  return new Queue<PayloadOf<K>, ResultOf<K>>(definition.name, {
    connection: context.connection,
    prefix: context.prefix,
    defaultJobOptions: definition.defaultJobOptions,
  });
}

/** Adds a job after checking its payload against the queue's schema (a bad payload never reaches Redis). */
export async function enqueue<K extends QueueKey>(
  queue: TypedQueue<K>,
  key: K,
  payload: PayloadOf<K>,
  options?: JobsOptions,
): Promise<TypedJob<K>> {
  const data = QUEUES[key].payload.parse(payload) as PayloadOf<K>;
  // Kept: BullMQ's conditional name and data types (ExtractNameType, ExtractDataType) do not resolve for a generic K.
  const untyped = queue as unknown as { add(name: string, data: unknown, options?: JobsOptions): Promise<unknown> };
  return untyped.add(key, data, options) as Promise<TypedJob<K>>;
}

export function createQueueEvents(key: QueueKey, context: QueueContext): QueueEvents {
  return new QueueEvents(QUEUES[key].name, { connection: context.connection, prefix: context.prefix });
}

export type Processor<K extends QueueKey> = (payload: PayloadOf<K>, job: TypedJob<K>) => Promise<ResultOf<K>>;

/**
 * A worker whose processor receives a parsed payload. A malformed payload fails at once as
 * unrecoverable instead of being retried forever; results are checked before they are stored.
 */
export function createWorker<K extends QueueKey>(
  key: K,
  processor: Processor<K>,
  context: QueueContext,
  options: Omit<WorkerOptions, 'connection' | 'prefix'> = {},
): Worker<PayloadOf<K>, ResultOf<K>> {
  const definition = QUEUES[key];
  return new Worker<PayloadOf<K>, ResultOf<K>>(
    definition.name,
    async (job) => {
      const parsed = definition.payload.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid ${definition.name} payload: ${parsed.error.message}`);
      const result = await processor(parsed.data as PayloadOf<K>, job);
      return definition.result.parse(result) as ResultOf<K>;
    },
    { connection: context.connection, prefix: context.prefix, ...options },
  );
}

export function allQueueNames(): string[] {
  return Object.values(QUEUES).map((definition) => definition.name);
}
