import type { Context } from '../manifest/types';

const pad = (n: number) => `${n}`.padStart(2, '0');

/** Local time signals of the visitor (docs/context.md). */
export function timeSignals(now: Date): Context['time'] {
  const weekday = now.getDay();
  const month = now.getMonth() + 1;
  return {
    hour: now.getHours(),
    weekday,
    isWeekend: weekday % 6 === 0,
    date: `${now.getFullYear()}-${pad(month)}-${pad(now.getDate())}`,
    month,
  };
}
