// Checks the Kafka broker from startKafka() end to end with kafkajs: keyed partitioning,
// consumer-group delivery and transactions with read_committed isolation.

import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, Consumer, KafkaMessage, Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka } from '../support/kafka.ts';
import type { KafkaHandle } from '../support/kafka.ts';

const partitionCount = 3;
const messageCount = 1_000;
const keyCount = 50;

// Generous limits: the broker JVM and the tests share 2 cores.
const brokerStartTimeoutMs = 240_000;
const testTimeoutMs = 180_000;
const consumeTimeoutMs = 90_000;

interface Received {
  key: string;
  value: string;
  partition: number;
}

let kafka: KafkaHandle | undefined;
let client: Kafka;
let admin: Admin;
const createdTopics: string[] = [];

beforeAll(async () => {
  kafka = await startKafka();
  client = new Kafka({ clientId: 'lightbridge-broker-test', brokers: kafka.brokers, logLevel: logLevel.WARN });
  admin = client.admin();
  await admin.connect();
}, brokerStartTimeoutMs);

afterAll(async () => {
  // Topic deletion matters for a shared broker from KAFKA_BROKERS; a local one is wiped anyway.
  if (admin) {
    if (createdTopics.length > 0) {
      await admin.deleteTopics({ topics: createdTopics }).catch((error: unknown) => {
        console.warn(`[kafka test] deleting topics ${createdTopics.join(', ')} failed: ${String(error)}`);
      });
    }
    await admin.disconnect();
  }
  await kafka?.stop();
}, 60_000);

async function createTopic(prefix: string): Promise<string> {
  const topic = `${prefix}-${randomUUID()}`;
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: partitionCount, replicationFactor: 1 }],
  });
  expect(created).toBe(true);
  createdTopics.push(topic);
  return topic;
}

function keyedMessages(label: string, count: number): Message[] {
  return Array.from({ length: count }, (_, i) => ({ key: `key-${i % keyCount}`, value: `${label}-${i}` }));
}

function toReceived(message: KafkaMessage, partition: number): Received {
  return { key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', partition };
}

/**
 * Consumes the topic from the beginning in a fresh consumer group until `expectedCount`
 * messages arrived, then disconnects. Rejects with the count so far on timeout.
 */
async function consumeAll(
  topic: string,
  expectedCount: number,
  options: { readUncommitted: boolean },
): Promise<{ received: Received[]; groupId: string }> {
  const groupId = `lightbridge-test-${randomUUID()}`;
  const consumer: Consumer = client.consumer({ groupId, readUncommitted: options.readUncommitted });
  const received: Received[] = [];

  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`consumer group ${groupId} received ${received.length} of ${expectedCount} messages from ${topic} within ${consumeTimeoutMs} ms`));
      }, consumeTimeoutMs);

      // kafkajs restarts the consumer after retriable errors; any other crash ends the wait.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) {
          clearTimeout(timer);
          reject(payload.error);
        }
      });

      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            received.push(toReceived(message, partition));
            if (received.length >= expectedCount) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error);
        });
    });
  } finally {
    // disconnect() commits the offsets consumed so far before leaving the group.
    await consumer.disconnect();
  }

  return { received, groupId };
}

function partitionsByKey(received: Received[]): Map<string, Set<number>> {
  const partitions = new Map<string, Set<number>>();
  for (const message of received) {
    const seen = partitions.get(message.key) ?? new Set<number>();
    seen.add(message.partition);
    partitions.set(message.key, seen);
  }
  return partitions;
}

function sumOffsets(offsets: Array<{ offset: string }>): number {
  return offsets.reduce((sum, entry) => sum + Number(entry.offset), 0);
}

describe('kafka broker', () => {
  it('delivers keyed messages once', async () => {
    const topic = await createTopic('lightbridge-test-keyed');
    const sent = keyedMessages('plain', messageCount);

    // kafkajs resends a whole produce request when one partition in it fails with a
    // retriable error, so the partitions that succeeded get duplicates. The broker drops
    // such resends only from an idempotent producer.
    const producer = client.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      // Ten requests of 100 messages, acknowledged by all in-sync replicas.
      for (let start = 0; start < sent.length; start += 100) {
        await producer.send({ topic, acks: -1, messages: sent.slice(start, start + 100) });
      }
    } finally {
      await producer.disconnect();
    }

    const endOffsets = await admin.fetchTopicOffsets(topic);
    expect(sumOffsets(endOffsets.map((entry) => ({ offset: entry.high }))), 'records in the topic').toBe(messageCount);

    const { received, groupId } = await consumeAll(topic, messageCount, { readUncommitted: false });

    expect(received).toHaveLength(messageCount);
    const values = new Set(received.map((message) => message.value));
    expect(values.size, 'distinct values').toBe(messageCount);
    for (const message of sent) {
      expect(values.has(String(message.value))).toBe(true);
    }

    // The value's index fixes the key it was sent with.
    for (const message of received) {
      const index = Number(message.value.slice('plain-'.length));
      expect(message.key).toBe(`key-${index % keyCount}`);
    }

    const partitions = partitionsByKey(received);
    expect(partitions.size).toBe(keyCount);
    for (const [key, seen] of partitions) {
      expect(seen.size, `partitions of ${key}`).toBe(1);
    }
    const usedPartitions = new Set(received.map((message) => message.partition));
    expect(usedPartitions.size).toBe(partitionCount);

    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(sumOffsets(committed.partitions), 'committed group offsets').toBe(messageCount);
    await admin.deleteGroups([groupId]);
  }, testTimeoutMs);

  it('hides aborted transactions from read_committed', async () => {
    const topic = await createTopic('lightbridge-test-transactions');

    // The same keys in every transaction: each partition with aborted records also
    // contains committed records after them, so a consumer that has every committed
    // record has read past every aborted one.
    const batchSize = 100;
    const first = keyedMessages('committed-first', batchSize);
    const aborted = keyedMessages('aborted', batchSize);
    const second = keyedMessages('committed-second', batchSize);

    const producer = client.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionalId: `lightbridge-test-${randomUUID()}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const firstTransaction = await producer.transaction();
      await firstTransaction.send({ topic, messages: first });
      await firstTransaction.commit();

      const abortedTransaction = await producer.transaction();
      await abortedTransaction.send({ topic, messages: aborted });
      await abortedTransaction.abort();

      const secondTransaction = await producer.transaction();
      await secondTransaction.send({ topic, messages: second });
      await secondTransaction.commit();
    } finally {
      await producer.disconnect();
    }

    const committed = await consumeAll(topic, 2 * batchSize, { readUncommitted: false });
    const committedValues = new Set(committed.received.map((message) => message.value));
    expect(committed.received).toHaveLength(2 * batchSize);
    expect(committedValues.size).toBe(2 * batchSize);
    for (const message of [...first, ...second]) {
      expect(committedValues.has(String(message.value))).toBe(true);
    }
    const leakedAborted = committed.received.filter((message) => message.value.startsWith('aborted-'));
    expect(leakedAborted).toHaveLength(0);

    // A read_uncommitted consumer sees the aborted records too, which shows that the
    // aborted transaction did write them.
    const uncommitted = await consumeAll(topic, 3 * batchSize, { readUncommitted: true });
    const uncommittedValues = new Set(uncommitted.received.map((message) => message.value));
    expect(uncommittedValues.size).toBe(3 * batchSize);
    for (const message of aborted) {
      expect(uncommittedValues.has(String(message.value))).toBe(true);
    }

    for (const [key, seen] of partitionsByKey(uncommitted.received)) {
      expect(seen.size, `partitions of ${key}`).toBe(1);
    }

    await admin.deleteGroups([committed.groupId, uncommitted.groupId]);
  }, testTimeoutMs);
});
