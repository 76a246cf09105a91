import { type AlertInput, readAlertInputs } from '@lightbridge/alerts';
import { type Admin, Kafka, type Message, type PartitionMetadata, Partitioners, type Producer } from 'kafkajs';
import { countInputFiles, orderedReplayItems, type ReplayItem, type UndecodableInput, type UnreadableInput } from './inputs.ts';
import { kafkaClientConfig, type KafkaSecurity } from './kafka-client.ts';
import { ReplayProgress } from './progress.ts';
import { SendSchedule } from './schedule.ts';
import { connectAdmin, prepareTopic, probeBrokers, ReplayError } from './topic.ts';

export const REPLAY_DEFAULTS = {
  partitions: 3,
  reorderWindow: 2000,
  connectTimeoutMs: 30_000,
  // Brokers reject a record batch above message.max.bytes, 1 MiB by default, and kafkajs puts
  // all messages of one partition in a request into one batch.
  maxBatchBytes: 900_000,
  maxBatchMessages: 500,
};

export interface ReplayOptions {
  /** Alert files, folders and `.tar`/`.tar.gz` archives, or inputs already read (as readAlertInputs yields them). */
  inputs: readonly string[] | AsyncIterable<AlertInput>;
  topic: string;
  brokers: string[];
  security?: KafkaSecurity;
  /** Messages per second; undefined sends as fast as the broker takes them. */
  ratePerSecond?: number;
  /** Create the topic with `partitions` partitions when it does not exist. */
  createTopic?: boolean;
  partitions?: number;
  /** Alerts held to be sent in time order; 0 keeps input order. */
  reorderWindow?: number;
  /** Limit on reaching the brokers at the start, in ms. */
  connectTimeoutMs?: number;
  /** Largest sum of message sizes per partition in one produce request, in bytes. */
  maxBatchBytes?: number;
  maxBatchMessages?: number;
  /** Show the progress line on standard error. */
  progress?: boolean;
  onUndecodable?(input: UndecodableInput): void;
  onUnreadable?(input: UnreadableInput): void;
  /** Called with each produce request's messages once the broker acknowledged them. */
  onSent?(messages: SentMessage[]): void;
}

/** One produced message, as acknowledged by the broker. */
export interface SentMessage {
  source: string;
  key: string;
  /** candid of the alert, undefined for an undecodable input. */
  candid?: string;
  partition: number;
  /** Message timestamp (CreateTime), in ms since the Unix epoch. */
  timestamp: number;
  bytes: number;
}

export interface ReplaySummary {
  topic: string;
  messages: number;
  /** Sum of the message values, in bytes. */
  bytes: number;
  /** From the first send to the last acknowledgement. */
  seconds: number;
  alertsPerSecond: number;
  /** Inputs produced keyed by file name because they could not be decoded. */
  undecodable: number;
  /** Inputs whose bytes could not be read, so nothing was produced for them. */
  unreadable: number;
}

interface QueuedItem {
  item: ReplayItem;
  partition: number;
}

/**
 * Produces one message per alert file to `topic`, as a survey publishes them. The value is the
 * file's bytes unchanged, the key its objectId (the file name when it cannot be decoded), and the
 * timestamp the send time; messages go in time order within the reorder window. Uses an
 * idempotent producer with acks=-1, so a retried request does not duplicate messages. Throws
 * ReplayError when the brokers cannot be reached, the topic is missing, or a send fails.
 */
export async function replayAlerts(options: ReplayOptions): Promise<ReplaySummary> {
  const settings: Settings = {
    ...options,
    partitions: options.partitions ?? REPLAY_DEFAULTS.partitions,
    reorderWindow: options.reorderWindow ?? REPLAY_DEFAULTS.reorderWindow,
    connectTimeoutMs: options.connectTimeoutMs ?? REPLAY_DEFAULTS.connectTimeoutMs,
    maxBatchBytes: options.maxBatchBytes ?? REPLAY_DEFAULTS.maxBatchBytes,
    maxBatchMessages: options.maxBatchMessages ?? REPLAY_DEFAULTS.maxBatchMessages,
  };
  const client = new Kafka(kafkaClientConfig('lightbridge-replay', options.brokers, options.security ?? {}, Math.min(settings.connectTimeoutMs, 10_000)));

  const partitionMetadata = await readyTopic(client.admin(), settings);
  const producer = client.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    // The idempotent default is unlimited retries, which would hang on a broker that went away.
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  await connectProducer(producer, options.brokers, settings.connectTimeoutMs);

  try {
    return await produceAll(producer, partitionMetadata, settings);
  } finally {
    await producer.disconnect();
  }
}

/** ReplayOptions with every default filled in. */
type Settings = ReplayOptions & typeof REPLAY_DEFAULTS;

async function readyTopic(admin: Admin, settings: Settings): Promise<PartitionMetadata[]> {
  await probeBrokers(settings.brokers, settings.connectTimeoutMs);
  await connectAdmin(admin, settings.brokers, settings.connectTimeoutMs);
  try {
    return await prepareTopic(admin, { topic: settings.topic, create: settings.createTopic === true, partitions: settings.partitions });
  } finally {
    await admin.disconnect();
  }
}

async function connectProducer(producer: Producer, brokers: string[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no response within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([producer.connect(), timeout]);
  } catch (error) {
    await producer.disconnect().catch(() => {});
    throw new ReplayError(`cannot connect the producer to ${brokers.join(',')}: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

async function produceAll(producer: Producer, partitionMetadata: PartitionMetadata[], settings: Settings): Promise<ReplaySummary> {
  const isPaths = Array.isArray(settings.inputs);
  const paths = settings.inputs as readonly string[];
  const inputs = isPaths ? readAlertInputs(paths) : (settings.inputs as AsyncIterable<AlertInput>);
  const total = isPaths && settings.progress === true ? await countInputFiles(paths) : undefined;

  const summary: ReplaySummary = { topic: settings.topic, messages: 0, bytes: 0, seconds: 0, alertsPerSecond: 0, undecodable: 0, unreadable: 0 };
  const items = orderedReplayItems(inputs, settings.reorderWindow, {
    onUndecodable: (input) => {
      summary.undecodable += 1;
      settings.onUndecodable?.(input);
    },
    onUnreadable: (input) => {
      summary.unreadable += 1;
      settings.onUnreadable?.(input);
    },
  });

  const partitioner = Partitioners.DefaultPartitioner();
  const partitionOf = (item: ReplayItem): number =>
    partitioner({ topic: settings.topic, partitionMetadata, message: { key: item.key, value: item.bytes } });
  const reader = new BatchReader(items, partitionOf, new SendSchedule(settings.ratePerSecond), settings);
  const progress = new ReplayProgress(settings.progress === true, total);
  const startedAt = performance.now();

  try {
    // The next batch is read and decoded while the broker handles the current one.
    let batch = await reader.next();
    while (batch.length > 0) {
      const sending = sendBatch(producer, settings.topic, batch);
      const reading = reader.next();
      reading.catch(() => {});

      const sent = await sending;
      summary.messages += sent.length;
      summary.bytes += sent.reduce((sum, message) => sum + message.bytes, 0);
      settings.onSent?.(sent);
      progress.update(summary);
      batch = await reading;
    }
  } finally {
    progress.done();
  }

  summary.seconds = (performance.now() - startedAt) / 1000;
  summary.alertsPerSecond = summary.messages / Math.max(summary.seconds, 1e-3);
  return summary;
}

async function sendBatch(producer: Producer, topic: string, batch: QueuedItem[]): Promise<SentMessage[]> {
  const timestamp = Date.now();
  const messages: Message[] = batch.map(({ item, partition }) => ({ key: item.key, value: item.bytes, partition, timestamp: String(timestamp) }));

  try {
    await producer.send({ topic, acks: -1, messages });
  } catch (error) {
    const sources = batch.length === 1 ? batch[0]!.item.source : `${batch[0]!.item.source} … ${batch.at(-1)!.item.source}`;
    throw new ReplayError(`producing ${batch.length} messages (${sources}) to topic "${topic}" failed: ${(error as Error).message}`, { cause: error });
  }

  return batch.map(({ item, partition }) => ({
    source: item.source,
    key: item.key,
    candid: item.candid,
    partition,
    timestamp,
    bytes: item.bytes.length,
  }));
}

/**
 * Groups the ordered items into produce requests: at most maxBatchMessages messages and
 * maxBatchBytes per partition, and, with a rate, only messages already due when the first one is.
 */
class BatchReader {
  // The item that did not fit in the last request; it starts the next one.
  private carriedOver: QueuedItem | undefined;
  private nextIndex = 0;

  constructor(
    private readonly items: AsyncIterator<ReplayItem>,
    private readonly partitionOf: (item: ReplayItem) => number,
    private readonly schedule: SendSchedule,
    private readonly limits: { maxBatchBytes: number; maxBatchMessages: number },
  ) {}

  /** Returns the next request's messages, or an empty list when the input is exhausted. */
  async next(): Promise<QueuedItem[]> {
    const first = await this.take();
    if (first === undefined) return [];
    await this.schedule.waitFor(this.nextIndex);

    const batch = [first];
    const partitionBytes = new Map([[first.partition, first.item.bytes.length]]);
    while (batch.length < this.limits.maxBatchMessages && this.schedule.isDue(this.nextIndex + batch.length)) {
      const candidate = await this.take();
      if (candidate === undefined) break;

      const bytes = (partitionBytes.get(candidate.partition) ?? 0) + candidate.item.bytes.length;
      if (bytes > this.limits.maxBatchBytes) {
        this.carriedOver = candidate;
        break;
      }
      partitionBytes.set(candidate.partition, bytes);
      batch.push(candidate);
    }

    this.nextIndex += batch.length;
    return batch;
  }

  private async take(): Promise<QueuedItem | undefined> {
    if (this.carriedOver !== undefined) {
      const item = this.carriedOver;
      this.carriedOver = undefined;
      return item;
    }
    const next = await this.items.next();
    if (next.done === true) return undefined;
    return { item: next.value, partition: this.partitionOf(next.value) };
  }
}
