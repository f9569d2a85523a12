/** The JSON Schema of the manifest, generated from src/manifest/types.ts. */
export function buildSchema(): Record<string, unknown> & { $schema: string; $defs: Record<string, unknown> };
