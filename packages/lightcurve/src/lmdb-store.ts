import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import type { LightCurve } from './types.ts';
import { type LightCurveStore, storeKey } from './store.ts';

export interface LmdbStoreOptions {
  /** Folder of the LMDB environment; created when missing. */
  path: string;
  /** Largest size the store may grow to, in bytes (LMDB reserves this address space, not disk). */
  mapSize?: number;
}

/**
 * Light curves on disk in LMDB (through the lmdb package, values encoded with msgpack), so a
 * later run continues where an earlier one stopped. Writes are batched into LMDB transactions in
 * the background. Until a write is committed, reads return the in-memory copy.
 */
export class LmdbLightCurveStore implements LightCurveStore {
  private readonly db: RootDatabase<LightCurve, string>;
  private readonly pending = new Map<string, LightCurve>();
  private readonly writes = new Set<Promise<unknown>>();

  constructor(options: LmdbStoreOptions) {
    mkdirSync(options.path, { recursive: true });
    this.db = open<LightCurve, string>({
      path: options.path,
      encoding: 'msgpack',
      // Always a folder: without this, lmdb opens a path whose last part has a dot as a file.
      noSubdir: false,
      mapSize: options.mapSize ?? 64 * 1024 ** 3,
    });
  }

  get(survey: string, objectId: string): LightCurve | undefined {
    const key = storeKey(survey, objectId);
    return this.pending.get(key) ?? this.db.get(key);
  }

  put(lightCurve: LightCurve): void {
    const key = storeKey(lightCurve.survey, lightCurve.objectId);
    this.pending.set(key, lightCurve);

    const write = this.db.put(key, lightCurve).finally(() => {
      this.writes.delete(write);
      if (this.pending.get(key) === lightCurve) this.pending.delete(key);
    });
    this.writes.add(write);
  }

  async flush(): Promise<void> {
    await Promise.all(this.writes);
    await this.db.flushed;
  }

  count(): number {
    return this.db.getCount();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.db.close();
  }
}
