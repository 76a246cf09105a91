import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

let root: Logger | undefined;

/**
 * Returns the process-wide root logger: JSON lines on standard error (standard output is kept for
 * command results), level from LIGHTBRIDGE_LOG_LEVEL (default info). Secrets are redacted by
 * field name wherever they appear in a logged object.
 */
export function rootLogger(): Logger {
  if (root === undefined) root = pino(loggerOptions(), pino.destination({ fd: 2, sync: false }));
  return root;
}

/** Returns a logger whose lines carry `component` (for example "classify", "store", "model"). */
export function componentLogger(component: string): Logger {
  return rootLogger().child({ component });
}

/** Replaces the root logger, for tests that capture log lines. */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

function loggerOptions(): LoggerOptions {
  return {
    level: process.env.LIGHTBRIDGE_LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['password', '*.password', 'sasl.password', '*.sasl.password', 'ssl.key', '*.ssl.key'], censor: '[redacted]' },
  };
}
