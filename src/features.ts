/**
 * What a build carries. The npm build and the generic script tags carry every feature and read
 * their manifest at run time: every flag here is on. A site tag (`tailor build`) is built from
 * a prebuilt copy of the tag in which this file is swapped for features-site.ts, whose flags
 * the build sets from what the published manifest uses, so the minifier drops the code of
 * every feature the manifest does not use (docs/site-tags.md).
 */

/**
 * A site tag's features and context paths (one per line, each line framed by newlines): it
 * runs a published manifest that uses no other (src/manifest/site-check.ts).
 */
export const SITE_USES = '';
/** Named segments (`manifest.segments`, `$segment`). */
export const F_SEGMENTS = true;
/** Conditions: segments or audiences. */
export const F_CONDITIONS = true;
/** `{{ path }}` templates in actions or remote URLs. */
export const F_TEMPLATES = true;
/** Page targeting (`pages`) of experiences. */
export const F_PAGES = true;
/** Goals of type `pageview`. */
export const F_PAGEVIEW_GOALS = true;
/** `schedule` of experiences. */
export const F_SCHEDULE = true;
/** `layer` of experiences (one experience per layer). */
export const F_LAYERS = true;
/** The global holdout (`manifest.holdout`) and experience holdouts (`holdout` of an experience). */
export const F_HOLDOUTS = true;
/** `frequency` of experiences. */
export const F_FREQUENCY = true;
/** `redirect` actions. */
export const F_REDIRECT = true;
/** `geo.*` signals. */
export const F_GEO = true;
/** `dataLayer` keys read into `data.*`. */
export const F_DATALAYER = true;
/** `remote` data sources. */
export const F_REMOTE = true;
/** Categories, affinity, journey and scores (the extras chunk). */
export const F_EXTRAS = true;
/** OS, browser, vendor and model (the `ua`/`device` chunk). */
export const F_DEVICE_DETAILS = true;
/** The device class and touch support (`device.*`; `os.*` and `browser.*` come with it). */
export const F_DEVICE = true;
/** `time.*` signals. */
export const F_TIME = true;
/** `behavior.*` signals (scroll depth, seconds on the page), and the depth a scroll trigger reads. */
export const F_BEHAVIOR = true;
/** Element action types, one flag each. */
export const A_TEXT = true;
export const A_HTML = true;
export const A_ATTR = true;
export const A_CLASS = true;
export const A_STYLE = true;
export const A_HIDE = true;
export const A_INSERT = true;
export const A_CTA = true;
export const A_REORDER = true;
/** `css`, `banner` and `overlay` actions. */
export const A_CSS = true;
export const A_WIDGETS = true;
/**
 * How a banner shown on load by a tag in <head> holds the first paint for its code: the site
 * tags with a render-blocking `<script type="module">` of the post-paint chunk (render/render.ts),
 * which holds until the chunk has run; the generic tags and the npm build with a render-blocking
 * `<link rel="expect">`, which holds until the page has been parsed (the script costs the
 * generic cores ~75 B they do not have).
 */
export const HOLD_SCRIPT = false;
