import type { LightCurve } from './types.ts';

/**
 * Storage of light curves between alerts, keyed by survey and object id. A read returns every
 * write made before it through the same store, even before that write is durable, and `flush`
 * makes all writes made so far durable.
 */
export interface LightCurveStore {
  get(survey: string, objectId: string): LightCurve | undefined;
  put(lightCurve: LightCurve): void;
  /** Resolves when every earlier put is on disk (or wherever the store keeps its data). */
  flush(): Promise<void>;
  /** Number of objects held. */
  count(): number;
  close(): Promise<void>;
}

export function storeKey(survey: string, objectId: string): string {
  return `${survey}:${objectId}`;
}

/** A store in process memory, for tests and for runs that need no persistence. */
export class MemoryLightCurveStore implements LightCurveStore {
  private readonly lightCurves = new Map<string, LightCurve>();

  get(survey: string, objectId: string): LightCurve | undefined {
    return this.lightCurves.get(storeKey(survey, objectId));
  }

  put(lightCurve: LightCurve): void {
    this.lightCurves.set(storeKey(lightCurve.survey, lightCurve.objectId), lightCurve);
  }

  async flush(): Promise<void> {}

  count(): number {
    return this.lightCurves.size;
  }

  async close(): Promise<void> {}
}
