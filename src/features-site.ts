/**
 * features.ts for the prebuilt site-tag core (rollup.config.mjs swaps it in): each flag is a
 * free name that `tailor build` defines from the published manifest (src/server/site-tag.ts)
 * before minifying, so the code of unused features is dropped.
 */
declare const __SITE_USES__: string;
declare const __F_SEGMENTS__: boolean;
declare const __F_CONDITIONS__: boolean;
declare const __F_TEMPLATES__: boolean;
declare const __F_PAGES__: boolean;
declare const __F_PAGEVIEW_GOALS__: boolean;
declare const __F_SCHEDULE__: boolean;
declare const __F_LAYERS__: boolean;
declare const __F_HOLDOUTS__: boolean;
declare const __F_FREQUENCY__: boolean;
declare const __F_REDIRECT__: boolean;
declare const __F_GEO__: boolean;
declare const __F_DATALAYER__: boolean;
declare const __F_REMOTE__: boolean;
declare const __F_EXTRAS__: boolean;
declare const __F_DEVICE_DETAILS__: boolean;
declare const __F_DEVICE__: boolean;
declare const __F_TIME__: boolean;
declare const __F_BEHAVIOR__: boolean;
declare const __A_TEXT__: boolean;
declare const __A_HTML__: boolean;
declare const __A_ATTR__: boolean;
declare const __A_CLASS__: boolean;
declare const __A_STYLE__: boolean;
declare const __A_HIDE__: boolean;
declare const __A_INSERT__: boolean;
declare const __A_CTA__: boolean;
declare const __A_REORDER__: boolean;
declare const __A_CSS__: boolean;
declare const __A_WIDGETS__: boolean;
export const SITE_USES: string = __SITE_USES__;
export const F_SEGMENTS: boolean = __F_SEGMENTS__;
export const F_CONDITIONS: boolean = __F_CONDITIONS__;
export const F_TEMPLATES: boolean = __F_TEMPLATES__;
export const F_PAGES: boolean = __F_PAGES__;
export const F_PAGEVIEW_GOALS: boolean = __F_PAGEVIEW_GOALS__;
export const F_SCHEDULE: boolean = __F_SCHEDULE__;
export const F_LAYERS: boolean = __F_LAYERS__;
export const F_HOLDOUTS: boolean = __F_HOLDOUTS__;
export const F_FREQUENCY: boolean = __F_FREQUENCY__;
export const F_REDIRECT: boolean = __F_REDIRECT__;
export const F_GEO: boolean = __F_GEO__;
export const F_DATALAYER: boolean = __F_DATALAYER__;
export const F_REMOTE: boolean = __F_REMOTE__;
export const F_EXTRAS: boolean = __F_EXTRAS__;
export const F_DEVICE_DETAILS: boolean = __F_DEVICE_DETAILS__;
export const F_DEVICE: boolean = __F_DEVICE__;
export const F_TIME: boolean = __F_TIME__;
export const F_BEHAVIOR: boolean = __F_BEHAVIOR__;
export const A_TEXT: boolean = __A_TEXT__;
export const A_HTML: boolean = __A_HTML__;
export const A_ATTR: boolean = __A_ATTR__;
export const A_CLASS: boolean = __A_CLASS__;
export const A_STYLE: boolean = __A_STYLE__;
export const A_HIDE: boolean = __A_HIDE__;
export const A_INSERT: boolean = __A_INSERT__;
export const A_CTA: boolean = __A_CTA__;
export const A_REORDER: boolean = __A_REORDER__;
export const A_CSS: boolean = __A_CSS__;
export const A_WIDGETS: boolean = __A_WIDGETS__;
/** A site tag with widgets holds the first paint for a load-triggered banner until its chunk has run (features.ts). */
export const HOLD_SCRIPT: boolean = __A_WIDGETS__;
