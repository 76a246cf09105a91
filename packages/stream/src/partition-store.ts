import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import { type LightCurve, type LightCurveStore, storeKey } from '@lightbridge/lightcurve';

/** Key of the last changelog offset applied; light-curve keys always contain a ':' so never clash. */
const APPLIED_OFFSET_KEY = 'meta.changelog-offset';

/**
 * The light curves of one input partition in LMDB (values msgpack-encoded by the lmdb package),
 * with the offset of the last changelog record they reflect. Light curves and that offset change
 * together in one LMDB transaction, so after a crash the store is still a prefix of the changelog.
 */
export class PartitionStore {
  private readonly db: RootDatabase<LightCurve | number, string>;
  private readonly pending = new Map<string, LightCurve>();
  private pendingOffset: number | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
    // lmdb 3.5 opens a path with an extension (here from the '.' of a topic name) as a file by default.
    this.db = open<LightCurve | number, string>({ path, encoding: 'msgpack', noSubdir: false });
  }

  get(survey: string, objectId: string): LightCurve | undefined {
    const key = storeKey(survey, objectId);
    return this.pending.get(key) ?? (this.db.get(key) as LightCurve | undefined);
  }

  /** Offset of the last changelog record reflected here, or -1 when none. */
  appliedOffset(): number {
    return this.pendingOffset ?? ((this.db.get(APPLIED_OFFSET_KEY) as number | undefined) ?? -1);
  }

  /**
   * Stores light curves together with the changelog offset that contains them. Reads see them at
   * once; the disk write runs in the background until `flush`.
   */
  apply(lightCurves: Iterable<LightCurve>, changelogOffset: number): void {
    const entries: Array<[string, LightCurve]> = [];
    for (const lightCurve of lightCurves) {
      const key = storeKey(lightCurve.survey, lightCurve.objectId);
      entries.push([key, lightCurve]);
      this.pending.set(key, lightCurve);
    }
    this.pendingOffset = changelogOffset;

    const write = this.db.transaction(() => {
      for (const [key, lightCurve] of entries) this.db.put(key, lightCurve);
      this.db.put(APPLIED_OFFSET_KEY, changelogOffset);
    });
    this.writes = Promise.all([this.writes, write]).then(() => {
      for (const [key, lightCurve] of entries) {
        if (this.pending.get(key) === lightCurve) this.pending.delete(key);
      }
      if (this.pendingOffset === changelogOffset) this.pendingOffset = undefined;
    });
  }

  /** Deletes every light curve and the applied offset, before a full restore. */
  async clear(): Promise<void> {
    await this.flush();
    await this.db.clearAsync();
  }

  /** Number of light curves written to LMDB (the offset entry excluded), from its statistics without a scan. */
  count(): number {
    const total = (this.db.getStats() as { entryCount: number }).entryCount;
    return this.db.doesExist(APPLIED_OFFSET_KEY) ? total - 1 : total;
  }

  /**
   * Bytes of the LMDB data file in use: pages up to the last one written, times the page size.
   * On Linux this equals the size of data.mdb, which grows as pages are written.
   */
  sizeBytes(): number {
    const stats = this.db.getStats() as { pageSize: number; lastPageNumber: number };
    return (stats.lastPageNumber + 1) * stats.pageSize;
  }

  async flush(): Promise<void> {
    await this.writes;
    await this.db.flushed;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.db.close();
  }
}

/**
 * A LightCurveStore over a PartitionStore that keeps the writes of one batch in memory. The
 * batch's changed light curves are applied to the partition store only after they are in the
 * changelog, so a batch that fails leaves the store unchanged.
 */
export class BatchOverlayStore implements LightCurveStore {
  private readonly changed = new Map<string, LightCurve>();

  constructor(private readonly base: PartitionStore) {}

  get(survey: string, objectId: string): LightCurve | undefined {
    return this.changed.get(storeKey(survey, objectId)) ?? this.base.get(survey, objectId);
  }

  put(lightCurve: LightCurve): void {
    this.changed.set(storeKey(lightCurve.survey, lightCurve.objectId), lightCurve);
  }

  /** Light curves written in this batch, the latest copy of each. */
  changedLightCurves(): LightCurve[] {
    return [...this.changed.values()];
  }

  async flush(): Promise<void> {}

  count(): number {
    return this.base.count() + [...this.changed.values()].filter((lc) => this.base.get(lc.survey, lc.objectId) === undefined).length;
  }

  async close(): Promise<void> {}
}
