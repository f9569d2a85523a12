/**
 * Console diagnostics, on only with `debug: true` / `data-debug`. Messages are kept in
 * production builds: users turn debug on to find out why an experience did not show.
 */
export type Logger = (level: 'log' | 'warn' | 'error', ...args: unknown[]) => void;

export function createLogger(enabled: boolean): Logger {
  return (level, ...args) => {
    // console may be missing or replaced by the host page; never let logging throw.
    try {
      if (enabled) console[level]('[tailor]', ...args);
    } catch {}
  };
}
