import { describe, expect, it } from 'vitest';
import { timeSignals } from '../../../src/signals/time';

// Dates are built from local components: timeSignals reads the visitor's local time.
const local = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min);

describe('timeSignals (docs/context.md)', () => {
  it.each([
    // 2024-06-02 is a Sunday
    [local(2024, 6, 2), 0, true],
    [local(2024, 6, 3), 1, false],
    [local(2024, 6, 4), 2, false],
    [local(2024, 6, 5), 3, false],
    [local(2024, 6, 6), 4, false],
    [local(2024, 6, 7), 5, false],
    [local(2024, 6, 8), 6, true],
  ])('%s → weekday %i, weekend %s', (date, weekday, isWeekend) => {
    const t = timeSignals(date);
    expect(t.weekday).toBe(weekday);
    expect(t.isWeekend).toBe(isWeekend);
  });

  it.each([
    [local(2024, 1, 5, 0, 0), 0, '2024-01-05', 1],
    [local(2024, 1, 5, 23, 59), 23, '2024-01-05', 1],
    [local(2024, 9, 9, 9), 9, '2024-09-09', 9],
    [local(2024, 10, 10, 10), 10, '2024-10-10', 10],
    [local(2024, 12, 31, 23, 59), 23, '2024-12-31', 12],
    [local(2024, 2, 29, 6), 6, '2024-02-29', 2],
  ])('%s → hour %i, date %s, month %i (zero-padded, 1-based month)', (date, hour, ymd, month) => {
    expect(timeSignals(date)).toMatchObject({ hour, date: ymd, month });
  });

  it('the local day boundary, not UTC, decides the date and weekday', () => {
    const beforeMidnight = timeSignals(local(2024, 6, 8, 23, 59)); // Saturday
    const afterMidnight = timeSignals(local(2024, 6, 9, 0, 0)); // Sunday
    expect(beforeMidnight).toMatchObject({ date: '2024-06-08', weekday: 6, hour: 23 });
    expect(afterMidnight).toMatchObject({ date: '2024-06-09', weekday: 0, hour: 0 });
    // New Year
    expect(timeSignals(local(2025, 1, 1, 0, 0))).toMatchObject({ date: '2025-01-01', month: 1, weekday: 3 });
  });

  it('returns exactly the five documented time fields', () => {
    expect(Object.keys(timeSignals(local(2024, 6, 2))).sort()).toEqual(
      ['date', 'hour', 'isWeekend', 'month', 'weekday'].sort(),
    );
  });
});
