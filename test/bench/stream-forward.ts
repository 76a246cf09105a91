/**
 * The ceiling of the streaming benchmark: a consumer-group member that copies every message of
 * the input topic to the same partition of the output topic, without decoding it, with the same
 * delivery as `lightbridge serve` (idempotent producer, acks=-1, offsets committed after the
 * batch's sends). The output keeps the input's key, headers and timestamp, so a reader measures
 * latency from the input's produce time. Runs until SIGTERM or SIGINT.
 *
 *   node --import tsx test/bench/stream-forward.ts --brokers LIST --input TOPIC --output TOPIC --group ID
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type KafkaMessage, type Message } from 'kafkajs';

// Brokers reject a record batch above message.max.bytes, 1 MiB by default. One send carries one
// partition's messages, so each send stays under this sum of value sizes.
const MAX_SEND_BYTES = 900_000;

const { values } = parseArgs({
  options: {
    brokers: { type: 'string' },
    input: { type: 'string' },
    output: { type: 'string' },
    group: { type: 'string' },
  },
});
if (!values.brokers || !values.input || !values.output || !values.group) {
  process.stderr.write('usage: stream-forward.ts --brokers LIST --input TOPIC --output TOPIC --group ID\n');
  process.exit(2);
}
const output = values.output;

const kafka = new Kafka({ clientId: 'lightbridge-bench-forward', brokers: values.brokers.split(','), logLevel: logLevel.WARN });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
const consumer = kafka.consumer({ groupId: values.group, allowAutoTopicCreation: false });

/** Splits one partition's messages into sends of at most MAX_SEND_BYTES each. */
function chunks(messages: KafkaMessage[]): KafkaMessage[][] {
  const result: KafkaMessage[][] = [];
  let current: KafkaMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.value?.length ?? 0;
    if (current.length > 0 && bytes + size > MAX_SEND_BYTES) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

function copy(message: KafkaMessage, partition: number): Message {
  return { key: message.key, value: message.value, headers: message.headers, timestamp: message.timestamp, partition };
}

await producer.connect();
await consumer.connect();
await consumer.subscribe({ topic: values.input, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;

    for (const chunk of chunks(batch.messages)) {
      await producer.send({ topic: output, acks: -1, messages: chunk.map((message) => copy(message, batch.partition)) });
    }
    const last = batch.lastOffset();
    resolveOffset(last);
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
    await heartbeat();
  },
});

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await consumer.disconnect();
  await producer.disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
