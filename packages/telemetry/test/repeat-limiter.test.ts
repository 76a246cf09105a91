import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createRepeatLimiter } from '../src/repeat-limiter.ts';

interface Line {
  level: number;
  msg: string;
  key?: string;
  suppressed?: number;
  offset?: number;
}

/** Creates a limiter over a pino logger that stores its lines, with a settable clock. */
function setup(perMinute: number) {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Line);
      callback();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const clock = { now: 1_000_000 };
  const limiter = createRepeatLimiter(logger, { perMinute, now: () => clock.now, timer: false });
  return { lines, clock, limiter };
}

/** pino writes asynchronously to a stream; wait for pending lines. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createRepeatLimiter', () => {
  it('logs the first lines of a key', async () => {
    const { lines, limiter } = setup(3);
    const logged = [1, 2, 3, 4, 5].map((offset) => limiter.error('decode:ztf', { offset }, 'decode failed'));
    await settle();
    expect(logged).toEqual([true, true, true, false, false]);
    expect(lines.map((line) => line.offset)).toEqual([1, 2, 3]);
  });

  it('keeps keys apart', async () => {
    const { lines, limiter } = setup(1);
    limiter.warn('a', {}, 'first kind');
    limiter.warn('a', {}, 'first kind');
    limiter.warn('b', {}, 'second kind');
    await settle();
    expect(lines.map((line) => line.msg)).toEqual(['first kind', 'second kind']);
  });

  it('summarizes after the interval', async () => {
    const { lines, clock, limiter } = setup(2);
    for (let i = 0; i < 7; i++) limiter.error('decode:ztf', {}, 'decode failed');
    clock.now += 60_000;
    limiter.flush();
    await settle();
    const summary = lines.at(-1)!;
    expect(lines).toHaveLength(3);
    expect(summary.key).toBe('decode:ztf');
    expect(summary.suppressed).toBe(5);
    expect(summary.level).toBe(50);
    expect(summary.msg).toContain('5 more "decode failed" lines suppressed');
  });

  it('waits for the interval to end', async () => {
    const { lines, clock, limiter } = setup(1);
    limiter.error('k', {}, 'failed');
    limiter.error('k', {}, 'failed');
    clock.now += 59_999;
    limiter.flush();
    await settle();
    expect(lines).toHaveLength(1);
  });

  it('starts a new interval', async () => {
    const { lines, clock, limiter } = setup(1);
    limiter.error('k', {}, 'failed');
    limiter.error('k', {}, 'failed');
    clock.now += 60_000;
    const logged = limiter.error('k', {}, 'failed');
    await settle();
    expect(logged).toBe(true);
    expect(lines.map((line) => line.suppressed)).toEqual([undefined, 1, undefined]);
  });

  it('writes no summary without suppression', async () => {
    const { lines, clock, limiter } = setup(5);
    limiter.error('k', {}, 'failed');
    clock.now += 120_000;
    limiter.flush();
    await settle();
    expect(lines).toHaveLength(1);
  });

  it('summarizes open keys on close', async () => {
    const { lines, limiter } = setup(0);
    limiter.warn('k', {}, 'slow');
    limiter.warn('k', {}, 'slow');
    limiter.close();
    await settle();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.suppressed).toBe(2);
    expect(lines[0]!.level).toBe(40);
  });

  it('rejects a negative limit', () => {
    const logger = pino({ level: 'silent' });
    expect(() => createRepeatLimiter(logger, { perMinute: -1, timer: false })).toThrow(/perMinute/);
  });
});
