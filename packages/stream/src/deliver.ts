import type { Consumer, Producer, RecordMetadata, TopicMessages } from 'kafkajs';

export interface InputPosition {
  topic: string;
  partition: number;
  /** Offset of the last input message handled. */
  lastOffset: string;
}

/**
 * Sends one batch's output, filter, dead-letter and changelog messages, waits until all in-sync
 * replicas have them (acks -1, idempotent producer), and only then commits the input offset
 * after the batch. Returns the produce metadata, from which the caller reads the changelog offsets.
 *
 * The sends and the commit are in this one function so that it can become one Kafka transaction
 * for exactly-once output: `const txn = await producer.transaction()`, `txn.sendBatch(...)`,
 * `txn.sendOffsets({ consumerGroupId, topics })` in place of the consumer commit, then
 * `txn.commit()` (or `txn.abort()` on error), with consumers of the outputs reading read_committed.
 */
export async function deliverBatch(
  producer: Producer,
  consumer: Consumer,
  topicMessages: TopicMessages[],
  position: InputPosition,
): Promise<RecordMetadata[]> {
  // TODO: make this a transaction. Until then a failure between the sends and the commit sends
  // the batch again; outputs already sent are then found as duplicates only when the changelog
  // records were sent too.
  const metadata = topicMessages.length === 0 ? [] : await producer.sendBatch({ topicMessages, acks: -1 });

  const next = (BigInt(position.lastOffset) + 1n).toString();
  await consumer.commitOffsets([{ topic: position.topic, partition: position.partition, offset: next }]);
  return metadata;
}

/** Returns the offset of the last record sent to one topic partition, or undefined when none. */
export function lastSentOffset(metadata: readonly RecordMetadata[], topic: string, partition: number, count: number): number | undefined {
  if (count === 0) return undefined;
  const entry = metadata.find((item) => item.topicName === topic && item.partition === partition);
  if (entry?.baseOffset === undefined) return undefined;
  return Number(entry.baseOffset) + count - 1;
}
