import { describe, expect, it } from 'vitest';
import { assignPartitionNumbers } from '../src/index.ts';

describe('assignPartitionNumbers', () => {
  it('gives one partition number to one member', () => {
    const topics = new Map([
      ['ztf_20260614_programid1', [0, 1, 2, 3]],
      ['ztf_20260615_programid1', [0, 1, 2, 3]],
    ]);
    const assignment = assignPartitionNumbers(['member-b', 'member-a'], topics);
    expect(assignment.get('member-a')).toEqual({ ztf_20260614_programid1: [0, 2], ztf_20260615_programid1: [0, 2] });
    expect(assignment.get('member-b')).toEqual({ ztf_20260614_programid1: [1, 3], ztf_20260615_programid1: [1, 3] });
  });

  it('leaves extra members idle', () => {
    const assignment = assignPartitionNumbers(['a', 'b', 'c'], new Map([['alerts', [0, 1]]]));
    expect(assignment.get('a')).toEqual({ alerts: [0] });
    expect(assignment.get('b')).toEqual({ alerts: [1] });
    expect(assignment.has('c')).toBe(false);
  });

  it('returns nothing without members', () => {
    expect(assignPartitionNumbers([], new Map([['alerts', [0]]])).size).toBe(0);
  });
});
