import type { AlertContext } from '@lightbridge/alerts';

/** Reason an alert may not be what the classifier was trained on. */
export type QualityFlag = 'bogus' | 'solar-system' | 'star' | 'too-few-detections';

export const QUALITY_FLAGS: readonly QualityFlag[] = ['bogus', 'solar-system', 'star', 'too-few-detections'];

/**
 * Thresholds of the quality gate. Every rule can be switched off by setting `enabled` false,
 * and `blocksScoring` sets whether a flagged alert is kept from the model.
 */
export interface GateConfig {
  bogus: {
    enabled: boolean;
    blocksScoring: boolean;
    /** Flag when drb (deep real/bogus, ZTF 3.3+) is below this; used whenever drb is present. */
    minDrb: number;
    /** Flag when rb is below this; used only when drb is absent (schemas before 3.3). */
    minRb: number;
  };
  solarSystem: {
    enabled: boolean;
    blocksScoring: boolean;
    /** Flag when a known solar-system object lies within this distance, in arcsec (ZTF ssdistnr). */
    maxDistanceArcsec: number;
  };
  star: {
    enabled: boolean;
    blocksScoring: boolean;
    /** Flag when the nearest Pan-STARRS1 source has sgscore1 at or above this (0 galaxy … 1 star)… */
    minSgscore: number;
    /** …and lies within this distance, in arcsec (ZTF distpsnr1). */
    maxDistanceArcsec: number;
  };
  tooFewDetections: {
    enabled: boolean;
    blocksScoring: boolean;
    /** Flag when the light curve up to the alert has fewer detections than this, all bands together. */
    minDetections: number;
  };
}

/**
 * Default thresholds. They are common choices in ZTF transient filters, not values fitted here:
 * drb 0.5 and rb 0.55 for real/bogus, 5 arcsec for a known asteroid, sgscore1 0.8 within
 * 1 arcsec for a star. Two detections are the fewest that give a rise or a colour.
 */
export const DEFAULT_GATE_CONFIG: GateConfig = {
  bogus: { enabled: true, blocksScoring: true, minDrb: 0.5, minRb: 0.55 },
  solarSystem: { enabled: true, blocksScoring: true, maxDistanceArcsec: 5 },
  star: { enabled: true, blocksScoring: true, minSgscore: 0.8, maxDistanceArcsec: 1 },
  tooFewDetections: { enabled: true, blocksScoring: true, minDetections: 2 },
};

export interface GateResult {
  flags: QualityFlag[];
  /** False when a flag whose rule blocks scoring is set: the model does not apply to this alert. */
  score: boolean;
}

/** Applies the quality rules to an alert's context and the number of detections up to its time. */
export function evaluateGate(context: AlertContext, detections: number, config: GateConfig = DEFAULT_GATE_CONFIG): GateResult {
  const flags: QualityFlag[] = [];
  let score = true;
  const raise = (flag: QualityFlag, blocksScoring: boolean) => {
    flags.push(flag);
    if (blocksScoring) score = false;
  };

  if (config.bogus.enabled && isBogus(context, config.bogus)) raise('bogus', config.bogus.blocksScoring);
  if (config.solarSystem.enabled && context.ssdistnr >= 0 && context.ssdistnr <= config.solarSystem.maxDistanceArcsec) {
    raise('solar-system', config.solarSystem.blocksScoring);
  }
  if (
    config.star.enabled &&
    context.sgscore1 >= config.star.minSgscore &&
    context.distpsnr1 >= 0 &&
    context.distpsnr1 <= config.star.maxDistanceArcsec
  ) {
    raise('star', config.star.blocksScoring);
  }
  if (config.tooFewDetections.enabled && detections < config.tooFewDetections.minDetections) {
    raise('too-few-detections', config.tooFewDetections.blocksScoring);
  }
  return { flags, score };
}

function isBogus(context: AlertContext, rule: GateConfig['bogus']): boolean {
  if (Number.isFinite(context.drb)) return context.drb < rule.minDrb;
  if (Number.isFinite(context.rb)) return context.rb < rule.minRb;
  return false;
}
