import type { KafkaMessage, Message, TopicMessages } from 'kafkajs';
import { AlertDecodeError, decodeAlerts, type Alert } from '@lightbridge/alerts';
import type { FeatureSet } from '@lightbridge/features';
import type { GateConfig } from '@lightbridge/gate';
import type { LightCurve } from '@lightbridge/lightcurve';
import type { Model } from '@lightbridge/model';
import { AlertClassifier, type ClassificationRecord, type ClassifierOptions, encodeClassification, type PreparedAlert } from '@lightbridge/pipeline';
import type { FilterTopic } from './config.ts';
import { CHANGELOG_CONTENT_TYPE, changelogKey, encodeLightCurve } from './changelog.ts';
import { BatchOverlayStore, type PartitionStore } from './partition-store.ts';

/** Longest `message` header of a dead-letter record, in characters. */
const MAX_HEADER_MESSAGE = 1000;

export interface BatchContext {
  featureSet: FeatureSet;
  model: Model;
  gate?: GateConfig;
  outputTopic: string;
  deadLetterTopic: string;
  changelogTopic: string;
  filters: readonly FilterTopic[];
}

export interface DuplicateAlert {
  objectId: string;
  candid: string;
  offset: string;
}

export interface DeadLetter {
  offset: string;
  /** A RejectReason of the decoder, `empty` or `processing-failed`. */
  reason: string;
  message: string;
}

/** Seconds one batch spent in each processing stage before delivery, summed over its messages. */
export interface StageSeconds {
  decode: number;
  state: number;
  features: number;
  gate: number;
  scoring: number;
}

/** A record bound for the output topic, with the Kafka timestamp of the message it came from. */
export interface PublishedRecord {
  record: ClassificationRecord;
  /** Timestamp of the input message, in Unix milliseconds. */
  kafkaTimestampMs: number;
}

/** Everything one batch of input messages produced, ready to be sent. */
export interface BatchOutput {
  /** Output, filter, dead-letter and changelog messages, grouped by topic. */
  topicMessages: TopicMessages[];
  /** Light curves changed by the batch, to apply to the partition store once sent. */
  changedLightCurves: LightCurve[];
  records: ClassificationRecord[];
  /** The records that were encoded for the output topic (records minus encoding failures). */
  published: PublishedRecord[];
  /** Alerts decoded from the messages, duplicates included. */
  alertsDecoded: number;
  deadLetters: DeadLetter[];
  duplicates: DuplicateAlert[];
  stageSeconds: StageSeconds;
}

interface Origin {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Classifies the messages of one input partition against that partition's light curves. Never
 * throws for a bad message: messages that cannot be decoded or processed become dead letters,
 * and alerts whose candid is already in the light curve's alertIds are counted as duplicates and dropped.
 * The partition store itself is not changed; the changed light curves are returned.
 */
export async function processBatch(
  context: BatchContext,
  store: PartitionStore,
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
): Promise<BatchOutput> {
  const stageSeconds: StageSeconds = { decode: 0, state: 0, features: 0, gate: 0, scoring: 0 };
  const onStage: NonNullable<ClassifierOptions['onStage']> = (stage, seconds) => {
    stageSeconds[stage] += seconds;
  };
  const overlay = new BatchOverlayStore(store);
  const classifier = new AlertClassifier({ store: overlay, featureSet: context.featureSet, model: context.model, gate: context.gate, onStage });
  const deadLetters: Message[] = [];
  const deadLetterInfo: DeadLetter[] = [];
  const duplicates: DuplicateAlert[] = [];
  const prepared: PreparedAlert[] = [];
  const origins: Origin[] = [];
  let alertsDecoded = 0;

  const reject = (message: KafkaMessage, reason: string, text: string): void => {
    deadLetters.push(deadLetterMessage({ topic, partition, message }, reason, text));
    deadLetterInfo.push({ offset: message.offset, reason, message: text });
  };

  for (const message of messages) {
    const decodeStarted = performance.now();
    const alerts = decodeMessage(message);
    stageSeconds.decode += (performance.now() - decodeStarted) / 1000;
    if (!Array.isArray(alerts)) {
      reject(message, alerts.reason, alerts.message);
      continue;
    }
    alertsDecoded += alerts.length;

    for (const alert of alerts) {
      if (overlay.get(alert.survey, alert.objectId)?.alertIds.includes(alert.candid)) {
        duplicates.push({ objectId: alert.objectId, candid: alert.candid, offset: message.offset });
        continue;
      }
      try {
        prepared.push(classifier.prepare(alert));
        origins.push({ topic, partition, message });
      } catch (error) {
        reject(message, 'processing-failed', `candid ${alert.candid}: ${(error as Error).message}`);
      }
    }
  }

  // A model failure is not caused by one message, so it propagates and the batch is retried.
  const scoringStarted = performance.now();
  const records = await classifier.classify(prepared);
  stageSeconds.scoring = (performance.now() - scoringStarted) / 1000;

  const outputs: Message[] = [];
  const published: PublishedRecord[] = [];
  const filtered = new Map<string, Message[]>();
  const modelVersion = classifier.modelVersion;
  records.forEach((record, i) => {
    let value: Buffer;
    try {
      value = encodeClassification(record);
    } catch (error) {
      reject(origins[i]!.message, 'processing-failed', `candid ${record.candid}: the record cannot be Avro-encoded: ${(error as Error).message}`);
      return;
    }

    const output: Message = { key: record.objectId, value, headers: { 'model-version': modelVersion, 'feature-version': record.featureVersion } };
    outputs.push(output);
    published.push({ record, kafkaTimestampMs: Number(origins[i]!.message.timestamp) });
    for (const filter of context.filters) {
      const probability = record.probabilities?.[filter.class];
      if (probability !== undefined && probability >= filter.minProbability) {
        const list = filtered.get(filter.topic) ?? [];
        list.push(output);
        filtered.set(filter.topic, list);
      }
    }
  });

  const changedLightCurves = overlay.changedLightCurves();
  const changelog: Message[] = changedLightCurves.map((lightCurve) => ({
    key: changelogKey(lightCurve),
    value: encodeLightCurve(lightCurve),
    partition,
    headers: { 'content-type': CHANGELOG_CONTENT_TYPE },
  }));

  const topicMessages: TopicMessages[] = [
    { topic: context.outputTopic, messages: outputs },
    ...[...filtered].map(([filterTopic, list]) => ({ topic: filterTopic, messages: list })),
    { topic: context.deadLetterTopic, messages: deadLetters },
    { topic: context.changelogTopic, messages: changelog },
  ].filter((entry) => entry.messages.length > 0);

  return {
    topicMessages,
    changedLightCurves,
    records,
    published,
    alertsDecoded,
    deadLetters: deadLetterInfo,
    duplicates,
    stageSeconds,
  };
}

function decodeMessage(message: KafkaMessage): Alert[] | { reason: string; message: string } {
  if (message.value === null || message.value.length === 0) {
    return { reason: 'empty', message: 'message has no value' };
  }
  try {
    return decodeAlerts(message.value);
  } catch (error) {
    if (error instanceof AlertDecodeError) return { reason: error.reason, message: error.message };
    return { reason: 'unreadable', message: (error as Error).message };
  }
}

/** Builds a dead-letter record: the original key and bytes, with where they came from and why. */
function deadLetterMessage(origin: Origin, reason: string, text: string): Message {
  return {
    key: origin.message.key,
    value: origin.message.value,
    headers: {
      topic: origin.topic,
      partition: String(origin.partition),
      offset: origin.message.offset,
      reason,
      message: text.length > MAX_HEADER_MESSAGE ? `${text.slice(0, MAX_HEADER_MESSAGE)}...` : text,
    },
  };
}
