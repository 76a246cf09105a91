import type { Consumer, Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';

/**
 * Maximum key and value bytes sent in one produce request. kafkajs puts all messages of one
 * partition in one record batch, and brokers reject a record batch above message.max.bytes
 * (about 1 MB by default), while a ZTF alert with its three cutouts is typically 20-100 KB.
 */
const MAX_REQUEST_BYTES = 900_000;

export interface InputPosition {
  topic: string;
  partition: number;
  /** Offset of the last input message handled. */
  lastOffset: string;
}

/**
 * Sends one batch's output, filter, dead-letter and changelog messages, waits until all in-sync
 * replicas have them (acks -1, idempotent producer), and only then commits the input offset
 * after the batch. Reports the seconds of the sends and of the commit to `onStage`. Returns
 * the offset of the last message sent to each explicitly partitioned topic partition (the
 * changelog), keyed `topic:partition`.
 *
 * The sends and the commit are in this one function so that it can become one Kafka transaction
 * for exactly-once output. A transactional producer would run `producer.transaction()`, then
 * `sendBatch` on the transaction, `sendOffsets({ consumerGroupId, topics })` in place of the
 * consumer commit, and `commit()` (or `abort()` on error). Consumers of the outputs then read
 * with read_committed isolation.
 */
export async function deliverBatch(
  producer: Producer,
  consumer: Consumer,
  topicMessages: TopicMessages[],
  position: InputPosition,
  onStage?: (stage: 'publish' | 'commit', seconds: number) => void,
): Promise<Map<string, number>> {
  // TODO: make this a transaction. Until then a failure between the sends and the commit makes
  // the batch run again. Its alerts are then dropped as duplicates only if their changelog
  // records were sent, so an output can be sent twice or, after a partial send, not at all.
  const publishStarted = performance.now();
  const lastOffsets = new Map<string, number>();
  for (const request of splitBySize(topicMessages, MAX_REQUEST_BYTES)) {
    const metadata = await producer.sendBatch({ topicMessages: request, acks: -1 });
    for (const [key, offset] of lastOffsetsOf(request, metadata)) lastOffsets.set(key, offset);
  }
  const commitStarted = performance.now();
  onStage?.('publish', (commitStarted - publishStarted) / 1000);

  const next = (BigInt(position.lastOffset) + 1n).toString();
  await consumer.commitOffsets([{ topic: position.topic, partition: position.partition, offset: next }]);
  onStage?.('commit', (performance.now() - commitStarted) / 1000);
  return lastOffsets;
}

/**
 * Splits messages into requests of at most maxBytes of keys and values, keeping their order per
 * topic. A single message above the limit gets a request of its own.
 */
export function splitBySize(topicMessages: readonly TopicMessages[], maxBytes: number): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current = new Map<string, Message[]>();
  let currentBytes = 0;

  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const bytes = byteLength(message.key) + byteLength(message.value);
      if (currentBytes > 0 && currentBytes + bytes > maxBytes) {
        requests.push(toTopicMessages(current));
        current = new Map();
        currentBytes = 0;
      }
      const list = current.get(topic) ?? [];
      list.push(message);
      current.set(topic, list);
      currentBytes += bytes;
    }
  }
  if (currentBytes > 0 || current.size > 0) requests.push(toTopicMessages(current));
  return requests;
}

function toTopicMessages(byTopic: Map<string, Message[]>): TopicMessages[] {
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/**
 * Returns the offset of the last message of each explicitly partitioned topic partition in one
 * request, keyed `topic:partition`. Keyed messages without a partition are not counted, because
 * the producer chooses their partition.
 */
function lastOffsetsOf(request: readonly TopicMessages[], metadata: readonly RecordMetadata[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { topic, messages } of request) {
    for (const message of messages) {
      if (message.partition === undefined) continue;
      const key = `${topic}:${message.partition}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }

  const offsets = new Map<string, number>();
  for (const entry of metadata) {
    const key = `${entry.topicName}:${entry.partition}`;
    const count = counts.get(key);
    if (count !== undefined && entry.baseOffset !== undefined) offsets.set(key, Number(entry.baseOffset) + count - 1);
  }
  return offsets;
}
