import type { Logger } from 'pino';

export interface RepeatLimiterOptions {
  /** Lines logged per key in each interval before the rest are only counted (default 5). */
  perMinute?: number;
  /** Interval length in milliseconds (default 60 000, the minute of `perMinute`). */
  intervalMs?: number;
  /** Clock in Unix milliseconds, for tests. */
  now?: () => number;
  /** Emit summaries from a timer every interval (default true); tests call flush() instead. */
  timer?: boolean;
}

export type RepeatLevel = 'error' | 'warn' | 'info';

export interface RepeatLimiter {
  /** Logs `message` under `key` unless the key reached its limit in this interval; returns whether it logged. */
  log(level: RepeatLevel, key: string, fields: Record<string, unknown>, message: string): boolean;
  error(key: string, fields: Record<string, unknown>, message: string): boolean;
  warn(key: string, fields: Record<string, unknown>, message: string): boolean;
  /** Logs one summary per key whose interval has ended with suppressed lines, and removes those keys. */
  flush(): void;
  /** Logs the summaries of all keys, ended or not, and stops the timer. */
  close(): void;
}

interface KeyWindow {
  start: number;
  logged: number;
  suppressed: number;
  level: RepeatLevel;
  message: string;
}

/**
 * Creates a rate limiter for repeated log lines, such as one error per bad message of a replayed
 * topic: for each key, the first `perMinute` lines of an interval are logged, the rest are
 * counted, and one summary line per key reports the count when the interval ends. Keys should
 * be bounded (an error kind and a topic, not an objectId), because each live key keeps a window in memory.
 */
export function createRepeatLimiter(logger: Logger, options: RepeatLimiterOptions = {}): RepeatLimiter {
  const limit = options.perMinute ?? 5;
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`perMinute must be a non-negative integer, got ${limit}`);
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);

  const windows = new Map<string, KeyWindow>();

  const summarize = (key: string, window: KeyWindow): void => {
    if (window.suppressed === 0) return;
    logger[window.level](
      { key, suppressed: window.suppressed, logged: window.logged, intervalSeconds: intervalMs / 1000 },
      `${window.suppressed} more "${window.message}" lines suppressed`,
    );
  };

  const flushEnded = (at: number): void => {
    for (const [key, window] of windows) {
      if (at - window.start < intervalMs) continue;
      summarize(key, window);
      windows.delete(key);
    }
  };

  const log = (level: RepeatLevel, key: string, fields: Record<string, unknown>, message: string): boolean => {
    const at = now();
    flushEnded(at);

    let window = windows.get(key);
    if (window === undefined) {
      window = { start: at, logged: 0, suppressed: 0, level, message };
      windows.set(key, window);
    }
    if (window.logged < limit) {
      window.logged += 1;
      logger[level](fields, message);
      return true;
    }
    window.suppressed += 1;
    return false;
  };

  const timer = options.timer === false ? undefined : setInterval(() => flushEnded(now()), intervalMs);
  // The timer only emits summaries; it must not keep a finished process alive.
  timer?.unref();

  return {
    log,
    error: (key, fields, message) => log('error', key, fields, message),
    warn: (key, fields, message) => log('warn', key, fields, message),
    flush: () => flushEnded(now()),
    close: () => {
      if (timer !== undefined) clearInterval(timer);
      for (const [key, window] of windows) summarize(key, window);
      windows.clear();
    },
  };
}
