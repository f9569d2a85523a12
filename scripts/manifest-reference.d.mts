/** Markers around the manifest reference section of README.md. */
export const START: string;
export const END: string;
/** The Markdown reference of every type reachable from the schema's root. */
export function renderReference(schema: object): string;
/** README text with the reference section replaced. */
export function withReference(readme: string, reference: string): string;
/** The reference section currently in the README (between the markers), or null. */
export function currentReference(readme: string): string | null;
