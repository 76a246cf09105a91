import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, PartitionMetadata } from 'kafkajs';

/** A replay that cannot go on (brokers unreachable, topic missing, a send failed); the CLI exits with 1. */
export class ReplayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplayError';
  }
}

/**
 * Opens and closes a TCP connection to each broker until one accepts, failing with a ReplayError
 * when none does within `timeoutMs`. kafkajs retries a refused connection for several seconds
 * and keeps retrying after its caller gave up, so checking first gives a prompt, clear error.
 */
export async function probeBrokers(brokers: string[], timeoutMs: number): Promise<void> {
  const failures: string[] = [];
  const deadline = Date.now() + timeoutMs;

  for (const broker of brokers) {
    const failure = await probeBroker(broker, Math.max(deadline - Date.now(), 1));
    if (failure === undefined) return;
    failures.push(`${broker}: ${failure}`);
  }
  throw new ReplayError(
    `cannot connect to any Kafka broker (${failures.join('; ')}); check --brokers (or LIGHTBRIDGE_KAFKA_BROKERS) and that the broker is running`,
  );
}

/** Returns undefined when the broker accepts a TCP connection, or why it did not. */
function probeBroker(broker: string, timeoutMs: number): Promise<string | undefined> {
  const separator = broker.lastIndexOf(':');
  const host = broker.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  const port = Number(broker.slice(separator + 1));

  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (failure: string | undefined): void => {
      socket.destroy();
      resolve(failure);
    };
    socket.setTimeout(timeoutMs, () => finish(`no answer within ${(timeoutMs / 1000).toFixed(1)} s`));
    socket.once('connect', () => finish(undefined));
    socket.once('error', (error) => finish(error.message));
  });
}

/**
 * Connects the admin client, failing with a ReplayError after `timeoutMs`: a broker that accepts
 * TCP connections can still fail the Kafka handshake (TLS or SASL) or not respond to requests.
 */
export async function connectAdmin(admin: Admin, brokers: string[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no response within ${timeoutMs / 1000} s`)), timeoutMs);
  });

  try {
    await Promise.race([admin.connect(), timeout]);
  } catch (error) {
    await admin.disconnect().catch(() => {});
    throw new ReplayError(
      `cannot connect to the Kafka brokers ${brokers.join(',')}: ${(error as Error).message}; ` +
        'check --brokers (or LIGHTBRIDGE_KAFKA_BROKERS), the LIGHTBRIDGE_KAFKA_TLS and _SASL settings, and that the broker is running',
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

export interface TopicRequest {
  topic: string;
  /** Create the topic when it does not exist, instead of failing. */
  create: boolean;
  /** Partition count of a created topic. */
  partitions: number;
}

/**
 * Makes sure the topic exists, creating it when requested, and returns its partitions.
 * Brokers of a survey normally reject creating topics on first use, so a missing topic is an
 * error unless `create` is set.
 */
export async function prepareTopic(admin: Admin, request: TopicRequest): Promise<PartitionMetadata[]> {
  const existing = await admin.listTopics();
  if (!existing.includes(request.topic)) {
    if (!request.create) {
      throw new ReplayError(`topic "${request.topic}" does not exist; create it first or pass --create-topic (with --partitions N)`);
    }
    // createTopics returns false when another client created the topic meanwhile, which is fine.
    await admin.createTopics({ topics: [{ topic: request.topic, numPartitions: request.partitions }] });
  }
  return waitForLeaders(admin, request.topic, TOPIC_READY_TIMEOUT_MS);
}

const TOPIC_READY_TIMEOUT_MS = 60_000;

/**
 * Returns the topic's partitions once each has a leader. A busy broker can respond to metadata
 * requests with UNKNOWN_TOPIC_OR_PARTITION for a moment after creating a topic, which kafkajs
 * 2.2.4 createTopics({ waitForLeaders }) does not retry, so this polls until `timeoutMs`.
 */
export async function waitForLeaders(admin: Admin, topic: string, timeoutMs: number): Promise<PartitionMetadata[]> {
  const deadline = Date.now() + timeoutMs;
  let problem = 'no metadata yet';
  while (Date.now() < deadline) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = metadata.topics[0]?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((partition) => partition.leader >= 0)) return partitions;
      problem = `${partitions.filter((partition) => partition.leader < 0).length} of ${partitions.length} partitions have no leader`;
    } catch (error) {
      problem = (error as Error).message;
    }
    await sleep(200);
  }
  throw new ReplayError(`topic "${topic}" is not ready after ${timeoutMs / 1000} s (${problem}); check the broker log`);
}
