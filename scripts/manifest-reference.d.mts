/** Markers around the manifest reference section of docs/manifest.md. */
export const START: string;
export const END: string;
/** The Markdown reference of every type reachable from the schema's root. */
export function renderReference(schema: object): string;
/** The page's text with the reference section replaced. */
export function withReference(doc: string, reference: string): string;
/** The reference section currently in the page (between the markers), or null. */
export function currentReference(doc: string): string | null;
