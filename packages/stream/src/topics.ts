import kafkajs, { type Admin } from 'kafkajs';
import type { Logger } from '@lightbridge/telemetry';
import type { StreamConfig } from './config.ts';

/** Raised when the topics on the broker do not fit the configuration. */
export class TopicSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicSetupError';
  }
}

/** The input topics found on the broker and their common partition count. */
export interface InputTopics {
  topics: string[];
  partitionCount: number;
}

/**
 * Finds the input topics (the configured list, or every topic matching the pattern) and checks
 * that they all have the same partition count, because light curves are partitioned by
 * partition number across all of them.
 */
export async function findInputTopics(admin: Admin, config: StreamConfig): Promise<InputTopics> {
  const existing = await admin.listTopics();
  let topics: string[];
  if (config.inputTopics !== undefined) {
    const missing = config.inputTopics.filter((topic) => !existing.includes(topic));
    if (missing.length > 0) throw new TopicSetupError(`input topics not found on the broker: ${missing.join(', ')}; create them or fix the input topic setting`);
    topics = config.inputTopics;
  } else {
    const pattern = config.inputPattern!;
    topics = existing.filter((topic) => pattern.test(topic)).sort();
    // TODO: subscribe to topics created after start (kafkajs 2.2.4 matches the pattern once, at subscribe).
    if (topics.length === 0) throw new TopicSetupError(`no topic on the broker matches the input pattern ${pattern}; create one or change the pattern`);
  }

  const counts = await partitionCounts(admin, topics);
  const distinct = new Set(counts.values());
  if (distinct.size > 1) {
    const listing = [...counts].map(([topic, count]) => `${topic}=${count}`).join(', ');
    throw new TopicSetupError(`input topics have different partition counts (${listing}); light curves are partitioned by partition number, so all input topics need the same count`);
  }
  return { topics, partitionCount: counts.get(topics[0]!)! };
}

/**
 * Creates the changelog topic (compacted, one partition per input partition) and the output,
 * dead-letter and filter topics when missing. Rejects a changelog topic whose partition count
 * differs from the input's, and warns when it is not compacted.
 */
export async function ensureTopics(admin: Admin, config: StreamConfig, input: InputTopics, log: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());

  if (!existing.has(config.changelogTopic)) {
    await createTopic(admin, config.changelogTopic, input.partitionCount, [{ name: 'cleanup.policy', value: 'compact' }], log);
  } else {
    const count = (await partitionCounts(admin, [config.changelogTopic])).get(config.changelogTopic);
    if (count !== input.partitionCount) {
      throw new TopicSetupError(
        `changelog topic ${config.changelogTopic} has ${count} partitions but the input topics have ${input.partitionCount}; ` +
          'light curves of input partition N live in changelog partition N, so recreate the changelog topic with the input count',
      );
    }
    await warnUnlessCompacted(admin, config.changelogTopic, log);
  }

  const outputs = new Set([config.outputTopic, config.deadLetterTopic, ...config.filters.map((filter) => filter.topic)]);
  for (const topic of outputs) {
    if (!existing.has(topic)) await createTopic(admin, topic, input.partitionCount, [], log);
  }
}

async function partitionCounts(admin: Admin, topics: string[]): Promise<Map<string, number>> {
  const metadata = await admin.fetchTopicMetadata({ topics });
  return new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
}

async function createTopic(admin: Admin, topic: string, numPartitions: number, configEntries: Array<{ name: string; value: string }>, log: Logger): Promise<void> {
  // createTopics returns false when another instance created the topic first, which is fine.
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions, configEntries }] });
  log.info({ topic, partitions: numPartitions, configEntries }, 'topic created');
}

async function warnUnlessCompacted(admin: Admin, topic: string, log: Logger): Promise<void> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
  });
  const policy = described.resources[0]?.configEntries.find((entry) => entry.configName === 'cleanup.policy')?.configValue;
  if (policy === undefined || !policy.split(',').includes('compact')) {
    log.warn({ topic, cleanupPolicy: policy }, 'changelog topic is not compacted; it keeps every version of every light curve and restores read them all');
  }
}
