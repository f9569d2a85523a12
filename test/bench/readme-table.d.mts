// Types for readme-table.mjs (used by test/unit/docs/benchmarks.test.ts).
export const START: string;
export const END: string;
export const RESULTS: string;
export const DOC: string;
export function rows(results: unknown): string[][];
export function render(results: unknown): string;
export function readSection(readme: string): string | null;
export function updateDoc(results?: unknown, file?: string): boolean;
