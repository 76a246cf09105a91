import { join } from 'node:path';
import { Partitioners, type Admin, type Batch, type Consumer, type EachBatchPayload, type Kafka, type Producer } from 'kafkajs';
import { ZTF_FEATURES } from '@lightbridge/features';
import { type GateConfig, readGateConfig } from '@lightbridge/gate';
import { loadModel, type Model, ModelWatcher } from '@lightbridge/model';
import {
  type BrokerMetrics,
  componentLogger,
  createRepeatLimiter,
  type Readiness,
  type RepeatLimiter,
  setConsumerLag,
  startTelemetryServer,
  type TelemetryServer,
} from '@lightbridge/telemetry';
import { CoPartitionedAssigner } from './assigner.ts';
import { processBatch, type BatchContext } from './batch.ts';
import { type RestoreResult, restorePartitions } from './changelog.ts';
import { describeConfig, StreamConfigError, type StreamConfig } from './config.ts';
import { deliverBatch } from './deliver.ts';
import { createKafka } from './kafka-client.ts';
import { PartitionStore } from './partition-store.ts';
import { ServeMetrics } from './serve-metrics.ts';
import { ensureTopics, findInputTopics } from './topics.ts';

const log = componentLogger('serve');

/** How often a batch that waits for a restore sends a group heartbeat, in milliseconds. */
const RESTORE_HEARTBEAT_MS = 3_000;

/** Counts since start. */
export interface StreamStats {
  messages: number;
  records: number;
  deadLetters: number;
  duplicates: number;
  batches: number;
  deadLettersByReason: Record<string, number>;
}

interface PartitionState {
  store: PartitionStore;
  /** Settles when the store reflects the changelog; a rejection means restore again. */
  ready: Promise<RestoreResult | undefined>;
  /** True when a batch failed after it may have sent changelog records; restore before the next. */
  dirty: boolean;
  /** True once `ready` resolved, for the readiness check. */
  restored: boolean;
}

/** The readiness checks of `/readyz`. */
export interface ServeChecks {
  connected: boolean;
  partitionsAssigned: boolean;
  modelLoaded: boolean;
  stateRestored: boolean;
}

/**
 * The `serve` loop: a consumer group member that classifies alerts from the input topics and
 * publishes one record per alert, keeping light curves per input partition in LMDB backed by a
 * changelog topic. Call start(), then stop() for a graceful shutdown; `done` settles when the
 * service stops, and rejects when the consumer crashes without restarting. When the
 * configuration sets a metrics port, it serves /metrics, /healthz and /readyz from start() to stop().
 */
export class StreamService {
  readonly stats: StreamStats = { messages: 0, records: 0, deadLetters: 0, duplicates: 0, batches: 0, deadLettersByReason: {} };
  /** Every restore so far, for logs and tests. */
  readonly restores: RestoreResult[] = [];
  readonly done: Promise<void>;
  /** This instance's metrics, in a registry of its own. */
  readonly metrics: BrokerMetrics;

  private readonly serveMetrics = new ServeMetrics();
  private readonly repeats: RepeatLimiter = createRepeatLimiter(log);
  private telemetry: TelemetryServer | undefined;
  private connected = false;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private readonly partitions = new Map<number, PartitionState>();
  /**
   * Stores of revoked partitions, flushed but kept open: a partition assigned again reuses its
   * handle, so one LMDB environment is never opened twice or closed while a new owner opens it.
   */
  private readonly idleStores = new Map<number, PartitionStore>();
  private context: BatchContext | undefined;
  private modelWatcher: ModelWatcher | undefined;
  private model: Model | undefined;
  private inputTopics: string[] = [];
  private restoreQueue: Promise<void> = Promise.resolve();
  private stopping = false;
  private inFlight: Promise<void> | undefined;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;

  constructor(private readonly config: StreamConfig) {
    this.metrics = this.serveMetrics.metrics;
    this.kafka = createKafka(config);
    this.admin = this.kafka.admin();
    // Idempotent with one request in flight: kafkajs 2.2.4 resends a whole request when one of
    // its partitions fails, and only an idempotent producer lets the broker drop the repeats.
    // The Java client's murmur2 partitioner, so records of one objectId land in the partition
    // that other Kafka clients choose for it too.
    this.producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    this.consumer = this.kafka.consumer({
      groupId: config.groupId,
      partitionAssigners: [CoPartitionedAssigner],
      allowAutoTopicCreation: false,
    });
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Callers that only await start() must not see an unhandled rejection.
    this.done.catch(() => {});
  }

  /** Input partition numbers currently assigned to this instance, sorted. */
  assignedPartitions(): number[] {
    return [...this.partitions.keys()].sort((a, b) => a - b);
  }

  /** Base URL of the telemetry server, for example http://127.0.0.1:9464, while it runs. */
  get metricsUrl(): string | undefined {
    return this.telemetry?.url;
  }

  /** Sets lightbridge_ready from the checks, so that Prometheus can alert on a stuck instance. */
  private readonly readyTimer = setInterval(() => {
    const ready = !this.stopping && Object.values(this.checks()).every(Boolean);
    this.metrics.ready.set(ready ? 1 : 0);
  }, 1_000).unref();

  /** Returns the checks behind /readyz; the service is ready when every one is true. */
  checks(): ServeChecks {
    const states = [...this.partitions.values()];
    return {
      connected: this.connected,
      partitionsAssigned: states.length > 0,
      modelLoaded: this.model !== undefined,
      stateRestored: states.length > 0 && states.every((state) => state.restored),
    };
  }

  /**
   * Starts the telemetry server (when a metrics port is set), loads the model, checks and creates
   * topics, joins the group and starts consuming. /healthz returns 200 from the first step on, so an
   * orchestrator's liveness probe passes during a long model load or restore.
   */
  async start(): Promise<void> {
    log.info({ config: describeConfig(this.config) }, 'serve starting');
    await this.startTelemetry();
    try {
      await this.startConsuming();
    } catch (error) {
      await this.closeTelemetry();
      throw error;
    }
  }

  private async startTelemetry(): Promise<void> {
    if (this.config.metricsPort === undefined) return;
    this.telemetry = await startTelemetryServer({
      host: this.config.metricsHost,
      port: this.config.metricsPort,
      registry: this.metrics.registry,
      readiness: () => this.readiness(),
    });
    log.info({ url: this.telemetry.url }, 'telemetry server listening on /metrics, /healthz and /readyz');
  }

  private readiness(): Readiness {
    return { ready: !this.stopping, checks: { ...this.checks() } };
  }

  private async closeTelemetry(): Promise<void> {
    const server = this.telemetry;
    this.telemetry = undefined;
    try {
      await server?.close();
    } catch (error) {
      log.error({ err: (error as Error).message }, 'closing the telemetry server failed');
    }
  }

  private async startConsuming(): Promise<void> {
    const gate: GateConfig | undefined = this.config.gateFile === undefined ? undefined : readGateConfig(this.config.gateFile);
    const loadStarted = performance.now();
    const model = await loadModel(this.config.modelDir, ZTF_FEATURES);
    this.serveMetrics.modelLoaded(model.manifest, (performance.now() - loadStarted) / 1000);
    this.model = model;
    this.checkFilterClasses(this.model);
    this.context = {
      featureSet: ZTF_FEATURES,
      model: this.model,
      gate,
      outputTopic: this.config.outputTopic,
      deadLetterTopic: this.config.deadLetterTopic,
      changelogTopic: this.config.changelogTopic,
      filters: this.config.filters,
    };

    await this.admin.connect();
    const input = await findInputTopics(this.admin, this.config);
    await ensureTopics(this.admin, this.config, input, log);
    this.inputTopics = input.topics;
    const publishTopics = [this.config.outputTopic, ...new Set(this.config.filters.map((filter) => filter.topic))];
    this.serveMetrics.initialise({ inputTopics: input.topics, publishTopics }, model.manifest.classes);
    this.modelWatcher = new ModelWatcher({
      folder: this.config.modelDir,
      features: ZTF_FEATURES,
      current: model,
      onReload: (next, seconds) => void this.switchModel(next, seconds),
      onFailure: () => this.serveMetrics.modelReloadFailed(),
    });

    await this.producer.connect();
    await this.consumer.connect();
    this.connected = true;
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.connected = true;
      this.onAssignment(payload.memberAssignment);
    });
    this.consumer.on(this.consumer.events.DISCONNECT, () => {
      this.connected = false;
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.connected = false;
      log.error({ err: payload.error.message, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart) this.rejectDone(payload.error);
    });
    await this.consumer.subscribe({ topics: input.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.trackInFlight(payload),
    });
    log.info({ inputTopics: input.topics, partitions: input.partitionCount, model: this.model.manifest.modelVersion, groupId: this.config.groupId }, 'serve started');
  }

  /**
   * Stops fetching, lets the batch in flight finish and commit, leaves the group, flushes the
   * stores and disconnects. Safe to call more than once.
   */
  async stop(): Promise<void> {
    if (this.stopping) return this.done;
    this.stopping = true;
    log.info({ stats: this.stats }, 'serve stopping');

    try {
      if (this.inputTopics.length > 0) this.consumer.pause(this.inputTopics.map((topic) => ({ topic })));
    } catch {
      // pause() throws before run(); nothing is fetching then.
    }
    await this.inFlight;
    await this.consumer.disconnect();
    await this.producer.disconnect();
    for (const [partition, state] of this.partitions) await this.revokePartition(partition, state);
    for (const [partition, store] of this.idleStores) await this.closeStore(partition, store);
    await this.admin.disconnect();
    this.modelWatcher?.close();
    clearInterval(this.readyTimer);
    await this.model?.close();
    this.repeats.close();
    await this.closeTelemetry();

    log.info({ stats: this.stats }, 'serve stopped');
    this.resolveDone();
  }

  /**
   * Uses a newly loaded model from the next chunk on. The chunk in flight keeps the model it
   * started with, which is closed once that chunk is done. A model whose classes do not cover the
   * filter topics is rejected and the running one stays.
   */
  private async switchModel(next: Model, seconds: number): Promise<void> {
    const previous = this.model;
    try {
      this.checkFilterClasses(next);
    } catch (error) {
      log.error({ model: next.manifest.modelVersion, err: (error as Error).message }, 'new model rejected; keeping the running model');
      this.serveMetrics.modelReloadFailed();
      await next.close();
      return;
    }

    this.model = next;
    this.context = { ...this.context!, model: next };
    this.serveMetrics.modelReloaded(next.manifest, seconds);
    log.info({ from: previous?.manifest.modelVersion, to: next.manifest.modelVersion }, 'serving with the new model from the next batch');

    await this.inFlight;
    await previous?.close();
  }

  private checkFilterClasses(model: Model): void {
    const classes = model.manifest.classes;
    const unknown = this.config.filters.filter((filter) => !classes.includes(filter.class));
    if (unknown.length > 0) {
      throw new StreamConfigError(
        unknown.map((filter) => `filter topic ${filter.topic}: class "${filter.class}" is not a class of model ${model.manifest.modelVersion} (classes: ${classes.join(', ')})`),
      );
    }
  }

  /**
   * Handles a new assignment: drops the partitions no longer assigned and brings every assigned
   * partition's store up to date with the changelog (a store that is already current skips it).
   * Runs synchronously up to the first await, so batches fetched after the join find the states.
   */
  private onAssignment(assignment: Record<string, number[]>): void {
    try {
      this.assign(assignment);
    } catch (error) {
      // A throw here would crash the consumer; batches of partitions without a state restore them.
      log.error({ assignment, err: (error as Error).message }, 'preparing the assigned partitions failed; their batches will retry');
    }
  }

  private assign(assignment: Record<string, number[]>): void {
    const assigned = new Set(Object.values(assignment).flat());
    log.info({ assignment, partitions: [...assigned].sort((a, b) => a - b) }, 'partitions assigned');

    for (const [partition, state] of this.partitions) {
      if (!assigned.has(partition)) {
        this.partitions.delete(partition);
        this.serveMetrics.partitionRevoked(partition, this.inputTopics);
        void this.revokePartition(partition, state);
      }
    }

    const toRestore = new Map<number, PartitionStore>();
    for (const partition of assigned) {
      const state = this.partitions.get(partition);
      toRestore.set(partition, state?.store ?? this.openStore(partition));
    }
    if (toRestore.size === 0) return;

    const restore = this.restore(toRestore);
    for (const [partition, store] of toRestore) {
      const ready = restore.then((results) => results.find((result) => result.partition === partition));
      this.partitions.set(partition, this.trackRestore(store, ready));
    }
    void this.refreshLag(assignment);
  }

  /** Returns a partition state whose `restored` turns true when `ready` resolves. */
  private trackRestore(store: PartitionStore, ready: Promise<RestoreResult | undefined>): PartitionState {
    const state: PartitionState = { store, ready, dirty: false, restored: false };
    ready.then(
      () => {
        state.restored = true;
      },
      () => {},
    );
    return state;
  }

  /**
   * Sets the consumer lag of newly assigned partitions from the group's committed offsets, so a
   * partition shows its backlog before its first batch. A partition without a committed offset
   * counts from its log start, because the group reads from the earliest message.
   */
  private async refreshLag(assignment: Record<string, number[]>): Promise<void> {
    try {
      const topics = Object.keys(assignment);
      const committed = await this.admin.fetchOffsets({ groupId: this.config.groupId, topics });
      for (const { topic, partitions } of committed) {
        const watermarks = await this.admin.fetchTopicOffsets(topic);
        for (const partition of assignment[topic] ?? []) {
          const offsets = watermarks.find((entry) => entry.partition === partition);
          const offset = partitions.find((entry) => entry.partition === partition)?.offset ?? '-1';
          if (offsets === undefined || this.stopping) continue;
          setConsumerLag(this.metrics, topic, partition, offsets.high, offset === '-1' ? offsets.low : offset);
        }
      }
    } catch (error) {
      this.repeats.warn('lag-refresh', { err: (error as Error).message }, 'reading committed offsets for the consumer lag failed; the lag updates with the next batch');
    }
  }

  /**
   * Restores the stores after every earlier restore has settled, so a store revoked and assigned
   * again while its restore runs is never restored twice at once.
   */
  private async restore(stores: Map<number, PartitionStore>): Promise<RestoreResult[]> {
    const run = this.restoreQueue.then(() =>
      restorePartitions({
        kafka: this.kafka,
        admin: this.admin,
        changelogTopic: this.config.changelogTopic,
        groupIdPrefix: this.config.groupId,
        stores,
        log,
      }),
    );
    this.restoreQueue = run.then(() => undefined, () => undefined);
    const results = await run;
    for (const result of results) {
      this.restores.push(result);
      this.serveMetrics.restored(result);
      const store = stores.get(result.partition);
      if (store !== undefined) this.serveMetrics.storeChanged(result.partition, store);
      log.info({ ...result, topic: this.config.changelogTopic }, result.mode === 'current' ? 'partition store is current' : 'partition restored');
    }
    return results;
  }

  /** Flushes a revoked partition's store and keeps it open as idle; runs synchronously up to the first await. */
  private async revokePartition(partition: number, state: PartitionState): Promise<void> {
    this.idleStores.set(partition, state.store);
    try {
      await state.ready.catch(() => undefined);
      await state.store.flush();
      log.info({ partition }, 'partition revoked; store flushed');
    } catch (error) {
      log.error({ partition, err: (error as Error).message }, 'flushing the store of a revoked partition failed');
    }
  }

  private async closeStore(partition: number, store: PartitionStore): Promise<void> {
    try {
      await store.close();
    } catch (error) {
      log.error({ partition, err: (error as Error).message }, 'closing the partition store failed');
    }
  }

  /** Returns the idle store of a partition assigned again, or opens its store. */
  private openStore(partition: number): PartitionStore {
    const idle = this.idleStores.get(partition);
    this.idleStores.delete(partition);
    return idle ?? new PartitionStore(this.storePath(partition));
  }

  private storePath(partition: number): string {
    return join(this.config.stateDir, `${this.config.changelogTopic}-${partition}`);
  }

  private trackInFlight(payload: EachBatchPayload): Promise<void> {
    const work = this.handleBatch(payload);
    this.inFlight = work.catch(() => {});
    return work;
  }

  /**
   * Processes one fetched batch in chunks of batchSize messages; each chunk is sent and its
   * offset committed before the next starts. Stops between chunks on shutdown or rebalance.
   */
  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (this.stopping || batch.messages.length === 0) return;
    const state = await this.readyPartition(batch, heartbeat);

    for (let start = 0; start < batch.messages.length; start += this.config.batchSize) {
      if (this.stopping || !isRunning() || isStale()) return;
      const messages = batch.messages.slice(start, start + this.config.batchSize);
      try {
        await this.processChunk(batch, state, messages);
      } catch (error) {
        state.dirty = true;
        this.repeats.error(
          `batch-failed:${batch.topic}:${batch.partition}`,
          { topic: batch.topic, partition: batch.partition, firstOffset: messages[0]!.offset, err: (error as Error).message },
          'batch failed; it will be retried',
        );
        throw error;
      }
      resolveOffset(messages[messages.length - 1]!.offset);
      await heartbeat();
    }
  }

  private async processChunk(batch: Batch, state: PartitionState, messages: Batch['messages']): Promise<void> {
    this.serveMetrics.chunkRead(batch.topic, messages.length);
    const output = await processBatch(this.context!, state.store, batch.topic, batch.partition, messages);
    this.serveMetrics.chunkProcessed(batch.topic, output);

    const lastMessage = messages[messages.length - 1]!;
    const position = { topic: batch.topic, partition: batch.partition, lastOffset: lastMessage.offset };
    const lastOffsets = await deliverBatch(this.producer, this.consumer, output.topicMessages, position, (stage, seconds) =>
      this.serveMetrics.deliveryStage(stage, seconds),
    );
    this.serveMetrics.chunkDelivered(batch, lastMessage, output, output.topicMessages, Date.now());

    const changelogOffset = lastOffsets.get(`${this.config.changelogTopic}:${batch.partition}`);
    if (changelogOffset !== undefined) state.store.apply(output.changedLightCurves, changelogOffset);
    void this.updateStoreMetrics(batch.partition, state);
    this.count(batch, messages.length, output);
  }

  /**
   * Sets the store gauges once the batch's LMDB write has committed, because LMDB statistics count
   * a write only then. Skips a partition revoked meanwhile, whose series were removed.
   */
  private async updateStoreMetrics(partition: number, state: PartitionState): Promise<void> {
    try {
      await state.store.flush();
      if (this.partitions.get(partition) === state) this.serveMetrics.storeChanged(partition, state.store);
    } catch (error) {
      this.repeats.warn(`store-metrics:${partition}`, { partition, err: (error as Error).message }, 'reading the light-curve store size failed');
    }
  }

  private count(batch: Batch, messageCount: number, output: Awaited<ReturnType<typeof processBatch>>): void {
    this.stats.messages += messageCount;
    this.stats.records += output.records.length;
    this.stats.deadLetters += output.deadLetters.length;
    this.stats.duplicates += output.duplicates.length;
    this.stats.batches += 1;
    for (const deadLetter of output.deadLetters) {
      this.stats.deadLettersByReason[deadLetter.reason] = (this.stats.deadLettersByReason[deadLetter.reason] ?? 0) + 1;
      this.repeats.warn(
        `dead-letter:${batch.topic}:${deadLetter.reason}`,
        { topic: batch.topic, partition: batch.partition, offset: deadLetter.offset, reason: deadLetter.reason, err: deadLetter.message },
        'message sent to the dead-letter topic',
      );
    }
    if (output.duplicates.length > 0) {
      // One line per batch, not per alert: a replayed topic can repeat thousands of alerts.
      log.info({ topic: batch.topic, partition: batch.partition, count: output.duplicates.length, first: output.duplicates.slice(0, 5) }, 'duplicate alerts dropped');
    }
    log.debug({ topic: batch.topic, partition: batch.partition, messages: messageCount, records: output.records.length }, 'batch delivered');
  }

  /**
   * Returns the partition's state once its store is current, restoring it first when no
   * assignment restored it or a failed batch left it dirty. Sends heartbeats while waiting.
   */
  private async readyPartition(batch: Batch, heartbeat: () => Promise<void>): Promise<PartitionState> {
    let state = this.partitions.get(batch.partition);
    if (state === undefined || state.dirty) {
      const store = state?.store ?? this.openStore(batch.partition);
      const ready = this.restore(new Map([[batch.partition, store]])).then((results) => results[0]);
      state = this.trackRestore(store, ready);
      this.partitions.set(batch.partition, state);
    }

    const current = state;
    try {
      await waitWithHeartbeats(current.ready, heartbeat);
    } catch (error) {
      current.dirty = true;
      this.repeats.error(
        `restore-failed:${batch.partition}`,
        { partition: batch.partition, err: (error as Error).message },
        'restoring the partition from the changelog failed; it will be retried',
      );
      throw error;
    }
    return current;
  }
}

async function waitWithHeartbeats<T>(promise: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
  let settled = false;
  const result = promise.finally(() => {
    settled = true;
  });
  while (!settled) {
    await Promise.race([result, new Promise((resolve) => setTimeout(resolve, RESTORE_HEARTBEAT_MS))]);
    if (!settled) await heartbeat();
  }
  return result;
}

/** Creates the service and starts it. */
export async function startStreamService(config: StreamConfig): Promise<StreamService> {
  const service = new StreamService(config);
  await service.start();
  return service;
}
