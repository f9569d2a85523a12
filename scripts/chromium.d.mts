export const SYSTEM_PATHS: Record<string, string[]>;
export const INSTALL_HINT: string;
export const BASE_ARGS: string[];

export type Found =
  | { source: 'CHROMIUM_PATH' | 'system' | 'playwright'; path: string }
  | { source: 'npm' }
  | { source: 'none'; error: string };

export function findChromium(options?: {
  env?: Record<string, string | undefined>;
  platform?: string;
  arch?: string;
  exists?: (path: string) => boolean;
  playwrightPath?: () => string | undefined;
  npmPackage?: () => boolean;
}): Found;

export interface ResolvedChromium {
  source: 'CHROMIUM_PATH' | 'system' | 'playwright' | 'npm';
  executablePath: string;
  args: string[];
  env: Record<string, string>;
}

export function resolveChromium(env?: Record<string, string | undefined>): Promise<ResolvedChromium>;
