/**
 * The manifest and context types: the single source of truth for Tailor's public data shapes.
 *
 * `dist/manifest.schema.json` is generated from {@link Manifest} (see `scripts/schema.mjs`),
 * and `src/manifest/validate.ts` is checked against that schema by the unit tests, so these
 * types, the schema and the validator cannot drift apart silently.
 *
 * Documented for users in docs/context.md (the Context type), docs/conditions.md, docs/manifest.md
 * (generated from these comments) and docs/experiences.md.
 */

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/* ------------------------------------------------------------------------------------------ */
/* Conditions                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * A MongoDB-style targeting condition, with GrowthBook's semantics.
 *
 * Keys are either dotted context paths (`"geo.country"`, `"visitor.traits.plan"`) or the
 * logical operators `$and`, `$or`, `$nor`, `$not`, or Tailor's `$segment`. A path maps to a
 * bare value (deep equality) or to an object of operators (`{"$gte": 3}`). `{}` is always true.
 *
 * @example { "geo.country": { "$in": ["DE", "AT"] }, "visitor.isNew": false }
 */
export type Condition = { [pathOrOperator: string]: JsonValue };

/* ------------------------------------------------------------------------------------------ */
/* Manifest                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** How consent is handled. */
export interface ConsentConfig {
  /**
   * `none`: no consent handling, always granted. `opt-out` (default): granted unless denied.
   * `opt-in`: pending until `consent('granted')`.
   * @default "opt-out"
   */
  mode?: 'none' | 'opt-out' | 'opt-in';
  /**
   * With `opt-out`, treat `navigator.globalPrivacyControl === true` as a denial.
   * @default true
   */
  respectGpc?: boolean;
}

/** The global holdout: visitors who see no experience at all. */
export interface GlobalHoldout {
  /**
   * Percent of visitors (by unit id) held out of every experience.
   * @minimum 0
   * @maximum 100
   */
  percent: number;
}

/** A path pattern as a regular expression rather than a glob. */
export interface RegexPattern {
  /** A JavaScript regular expression (without slashes) tested against the page path. */
  regex: string;
}

/**
 * A page path pattern: a glob (`*` matches any run of characters, e.g. `"/products/*"`)
 * or `{ "regex": "^/outlet/" }`.
 */
export type PathPattern = string | RegexPattern;

/** Journey-stage thresholds. */
export interface JourneyConfig {
  /**
   * Lifetime page views that make a visitor `engaged` (two visits also do).
   * @minimum 0
   * @default 3
   */
  engagedPageviews?: number;
  /**
   * Purchases that make a visitor `loyal`.
   * @minimum 0
   * @default 3
   */
  loyalPurchases?: number;
  /**
   * Days since the last visit after which a purchaser is `lapsed`.
   * @minimum 0
   * @default 60
   */
  lapsedDays?: number;
  /**
   * The goal that counts as a purchase.
   * @default "purchase"
   */
  purchaseGoal?: string;
}

/** A logistic scoring model: `score = 1 / (1 + e^-(bias + Σ weight·value))`. */
export interface ScoreModel {
  /**
   * Intercept of the model.
   * @default 0
   */
  bias?: number;
  /** Weight per context path (`"session.pageviews": 0.4`). Booleans count 1/0, missing values 0. */
  weights: { [contextPath: string]: number };
}

/** A remote enrichment source: JSON fetched only when `remote.<name>` is referenced. */
export interface RemoteSource {
  /** URL to fetch; `{{path}}` templates are filled from the context and URL-encoded. */
  url: string;
  /**
   * Give up after this many milliseconds; the values are then null.
   * @minimum 0
   * @default 400
   */
  timeoutMs?: number;
  /**
   * Cache the response in `sessionStorage` for this many seconds.
   * @minimum 0
   * @default 1800
   */
  ttlSeconds?: number;
}

/** A goal that counts as a conversion when it happens on the page view of a matching path. */
export interface PageviewGoal {
  /** Counts a page view of `path`. */
  type: 'pageview';
  /** Path pattern (glob or regex) of the page that completes the goal, e.g. `"/thank-you"`. */
  path: PathPattern;
  /** Fixed value carried by each conversion (e.g. average order value). */
  value?: number;
}

/** A goal that counts clicks on matching elements. */
export interface ClickGoal {
  /** Counts clicks on elements matching `selector`. */
  type: 'click';
  /** CSS selector of the clickable elements, e.g. `"#signup, .signup-btn"`. */
  selector: string;
  /** Fixed value carried by each conversion. */
  value?: number;
}

/** A goal that counts submissions of matching forms. */
export interface SubmitGoal {
  /** Counts submissions of forms matching `selector`. */
  type: 'submit';
  /** CSS selector of the forms, e.g. `"form.newsletter"`. */
  selector: string;
  /** Fixed value carried by each conversion. */
  value?: number;
}

/** A goal fired by the site with `tailor.track(name)`. */
export interface EventGoal {
  /** Counts `track(<goal name>)` calls. */
  type: 'event';
  /** Fixed value carried by each conversion when `track` passes none. */
  value?: number;
}

/** A conversion goal. */
export type Goal = PageviewGoal | ClickGoal | SubmitGoal | EventGoal;

/** Where Tailor reports exposures and conversions besides its own collector. */
export interface AnalyticsConfig {
  /**
   * Push `tailor_exposure` and `tailor_conversion` events to `window.dataLayer` (Google Tag
   * Manager / GA4) when the page has one. Only ids, names and the conversion value are pushed.
   * @default true
   */
  dataLayer?: boolean;
}

/** The manifest: everything a site configures. */
export interface Manifest {
  /** URL of this JSON Schema, for editor completion. Ignored by Tailor. */
  $schema?: string;
  /** The manifest format version. Only `1` exists. */
  version: 1;
  /**
   * Site key, sent with every beacon and used to separate sites in the report.
   * @minLength 1
   */
  site: string;
  /** Free-form revision; a change invalidates the cached copy of a remote manifest. */
  revision?: string;
  /** Collector URL. Without one, events stay local (`on('exposure')`, `on('conversion')`). */
  endpoint?: string;
  /** Consent handling. */
  consent?: ConsentConfig;
  /** Global holdout. */
  holdout?: GlobalHoldout;
  /**
   * Page categories by path: `{"shoes": "/shoes/*", "sale": {"regex": "^/outlet/"}}`.
   * Sets `page.category` and feeds `affinity.*`.
   */
  categories?: { [category: string]: PathPattern };
  /**
   * Half-life in days of the affinity decay.
   * @exclusiveMinimum 0
   * @default 14
   */
  affinityHalfLifeDays?: number;
  /** Journey-stage thresholds. */
  journey?: JourneyConfig;
  /** Logistic scoring models, exposed as `score.<name>`. */
  scores?: { [name: string]: ScoreModel };
  /** Remote enrichment sources, exposed as `remote.<name>.*`. */
  remote?: { [name: string]: RemoteSource };
  /** `window.dataLayer` keys copied into `data.<key>`. */
  dataLayer?: string[];
  /** Analytics integrations: `{"dataLayer": false}` stops the GTM/GA4 pushes. */
  analytics?: AnalyticsConfig;
  /** Hosts a `redirect` action may send visitors to; by default only the same origin. */
  redirectHosts?: string[];
  /**
   * Treat headless and webdriver-driven browsers as crawlers.
   * @default false
   */
  excludeAutomation?: boolean;
  /**
   * The QA URL parameters: `?tailor_force=exp:variant` (forces a variant for the session) and
   * `?tailor_preview=1` (runs drafts). `false` turns both off for every visitor, e.g. on a
   * production site where links carrying them could be shared. A forced variant still needs
   * consent as any assignment does, and still respects `status: "paused"` and `pages`; it
   * overrides audience, traffic, holdouts and schedule.
   * @default true
   */
  qa?: boolean;
  /** Named segments, evaluated in declaration order. */
  segments?: { [name: string]: Condition };
  /** Conversion goals by name. */
  goals?: { [name: string]: Goal };
  /** Experiences. */
  experiences?: Experience[];
  /**
   * Written by `tailor build`, never by hand: marks a manifest that was validated and
   * normalized at publish time, with what it uses.
   */
  published?: PublishStamp;
}

/** What `tailor build` adds to the manifest it publishes. */
export interface PublishStamp {
  /** Stamp format. */
  v: 1;
  /** SHA-256 (base64url, first 22 characters) of the published manifest without this stamp. */
  hash: string;
  /** Context paths read by conditions, templates, units and scores, sorted. */
  paths: string[];
  /** Features used: action types, triggers, goal types and manifest blocks, sorted. */
  features: string[];
}

/* ------------------------------------------------------------------------------------------ */
/* Experiences                                                                                */
/* ------------------------------------------------------------------------------------------ */

/** Which pages an experience runs on. Both lists hold globs or `{"regex": …}` on the path. */
export interface PageTargeting {
  /** Paths the experience runs on; absent means every path. */
  include?: PathPattern[];
  /** Paths the experience never runs on; wins over `include`. */
  exclude?: PathPattern[];
}

/**
 * A weekday, 0 = Sunday … 6 = Saturday.
 * @minimum 0
 * @maximum 6
 */
export type Weekday = number;

/**
 * An hour of the day, 0–23.
 * @minimum 0
 * @maximum 23
 */
export type Hour = number;

/** When an experience runs (in the visitor's local time for weekdays and hours). */
export interface Schedule {
  /**
   * ISO 8601 date-time from which it runs, e.g. `"2026-11-01T00:00:00Z"`.
   * @format date-time
   */
  start?: string;
  /**
   * ISO 8601 date-time after which it stops.
   * @format date-time
   */
  end?: string;
  /** Weekdays it runs on, 0 = Sunday … 6 = Saturday. */
  weekdays?: Weekday[];
  /**
   * Hours it runs, `[from, to]`, 0–23 in the visitor's local time, `to` exclusive.
   * A range such as `[22, 6]` wraps past midnight.
   * @minItems 2
   * @maxItems 2
   */
  hours?: Hour[];
}

/** Render on page view (the default). */
export interface LoadTrigger {
  /** Render when the page view starts. */
  on: 'load';
}

/** Render after a delay. */
export interface DelayTrigger {
  /** Render after `value` milliseconds. */
  on: 'delay';
  /**
   * Delay in milliseconds.
   * @minimum 0
   */
  value: number;
}

/** Render when the visitor has scrolled far enough. */
export interface ScrollTrigger {
  /** Render at a scroll depth of `value` percent. */
  on: 'scroll';
  /**
   * Scroll depth in percent.
   * @minimum 0
   * @maximum 100
   */
  value: number;
}

/** Render on exit intent (pointer leaving through the top of the window). */
export interface ExitTrigger {
  /** Render on exit intent. */
  on: 'exit';
}

/** Render when the visitor clicks an element. */
export interface ClickTrigger {
  /** Render on a click on `value`. */
  on: 'click';
  /** CSS selector of the element whose click renders the experience. */
  value: string;
}

/** When the variant's actions render. */
export type Trigger = LoadTrigger | DelayTrigger | ScrollTrigger | ExitTrigger | ClickTrigger;

/** Frequency caps and dismissal memory. */
export interface Frequency {
  /**
   * Show at most this many times per session.
   * @minimum 0
   */
  perSession?: number;
  /**
   * Show at most this many times in total.
   * @minimum 0
   */
  total?: number;
  /**
   * After the visitor dismisses a banner or overlay, keep it hidden for this many days.
   * @minimum 0
   */
  dismissDays?: number;
}

/** One arm of an experience. */
export interface Variant {
  /**
   * Variant id, unique within the experience (`control`, `b`, …). `holdout` and
   * `global-holdout` are reserved.
   * @pattern ^[a-z0-9_-]+$
   */
  id: string;
  /**
   * Relative weight; weights need not sum to 100 and are normalized.
   * @minimum 0
   * @default 1
   */
  weight?: number;
  /** DOM changes of this variant; `[]` for a control. */
  actions?: Action[];
}

/** A personalization or experiment. */
export interface Experience {
  /**
   * Unique id: lower-case letters, digits, `_` and `-`.
   * @pattern ^[a-z0-9_-]+$
   */
  id: string;
  /** Human-readable name for the report. */
  name?: string;
  /**
   * `live` runs; `draft` runs only with `?tailor_preview=1`; `paused` never runs.
   * @default "live"
   */
  status?: 'live' | 'draft' | 'paused';
  /** Who sees it; absent means everyone. */
  audience?: Condition;
  /** Which pages it runs on. */
  pages?: PageTargeting;
  /** When it runs. */
  schedule?: Schedule;
  /**
   * Higher wins when two experiences touch the same element, and orders a layer.
   * @default 0
   */
  priority?: number;
  /** Experiences sharing a layer are mutually exclusive. */
  layer?: string;
  /**
   * Percent of eligible visitors who enter the experience.
   * @minimum 0
   * @maximum 100
   * @default 100
   */
  traffic?: number;
  /**
   * Percent held out (single-variant personalization); they get variant `holdout`.
   * @minimum 0
   * @maximum 100
   */
  holdout?: number;
  /**
   * Context path of the unit id that is hashed, e.g. `visitor.userId`.
   * @default "visitor.id"
   */
  unit?: string;
  /** Hash salt; defaults to the id. Changing it re-randomizes every visitor. */
  salt?: string;
  /**
   * When the actions render.
   * @default {"on":"load"}
   */
  trigger?: Trigger;
  /** Frequency caps and dismissal memory. */
  frequency?: Frequency;
  /**
   * The arms, at least one.
   * @minItems 1
   */
  variants: Variant[];
  /** Goal names reported for this experience; the first is the primary goal. */
  goals?: string[];
}

/* ------------------------------------------------------------------------------------------ */
/* Actions                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/** Sets the text content of the element. */
export interface TextAction {
  /** Set text content. */
  type: 'text';
  /** CSS selector of the element(s). */
  selector: string;
  /** New text; `{{path|fallback}}` templates allowed. */
  value: string;
}

/** Sets the inner HTML of the element. Manifest HTML is trusted; interpolated values are escaped. */
export interface HtmlAction {
  /** Set inner HTML. */
  type: 'html';
  /** CSS selector of the element(s). */
  selector: string;
  /** New HTML; `{{path}}` values are HTML-escaped. */
  value: string;
}

/** Sets an attribute. URL attributes accept only http(s), mailto, tel and relative URLs. */
export interface AttrAction {
  /** Set an attribute. */
  type: 'attr';
  /** CSS selector of the element(s). */
  selector: string;
  /** Attribute name; `on*` event handler attributes are refused. */
  name: string;
  /** Attribute value; templates allowed (URL-encoded in URL attributes). */
  value: string;
}

/** Adds or removes classes. */
export interface ClassAction {
  /** Change the class list. */
  type: 'class';
  /** CSS selector of the element(s). */
  selector: string;
  /** Classes to add. */
  add?: string[];
  /** Classes to remove. */
  remove?: string[];
}

/** Sets inline styles. */
export interface StyleAction {
  /** Set inline styles. */
  type: 'style';
  /** CSS selector of the element(s). */
  selector: string;
  /** CSS properties and values, e.g. `{"background-color": "#000"}`. */
  value: { [property: string]: string };
}

/** Adds one `<style>` element (with the page's CSP nonce when one is found). */
export interface CssAction {
  /** Add a stylesheet. */
  type: 'css';
  /** CSS text. */
  value: string;
}

/** Hides the element. */
export interface HideAction {
  /** Hide the element(s). */
  type: 'hide';
  /** CSS selector of the element(s). */
  selector: string;
}

/** Inserts HTML relative to the element. */
export interface InsertAction {
  /** Insert HTML. */
  type: 'insert';
  /** CSS selector of the reference element. */
  selector: string;
  /** Where, relative to the element. */
  position: 'before' | 'after' | 'prepend' | 'append';
  /** HTML to insert; templates allowed (escaped). */
  value: string;
}

/** Swaps a call to action: text, link and classes. */
export interface CtaAction {
  /** Call-to-action swap. */
  type: 'cta';
  /** CSS selector of the button or link. */
  selector: string;
  /** New label. */
  text?: string;
  /** New link (http(s), mailto, tel or relative). */
  href?: string;
  /** Classes to add. */
  add?: string[];
}

/** A bar of text: at the top of the page when shown before the page has content, else docked at the bottom edge (docs/experiences.md#widgets). */
export interface BannerAction {
  /** Show a banner. */
  type: 'banner';
  /** Banner HTML; templates allowed (escaped). */
  value: string;
  /**
   * Edge of the viewport.
   * @default "top"
   */
  position?: 'top' | 'bottom';
  /**
   * Show a close button; dismissal is remembered for `frequency.dismissDays`.
   * @default true
   */
  dismissible?: boolean;
  /** Theme name, added as a class `tailor-banner--<theme>`. */
  theme?: string;
}

/** An accessible dialog. */
export interface OverlayAction {
  /** Show an overlay. */
  type: 'overlay';
  /** Dialog HTML; templates allowed (escaped). */
  value: string;
  /**
   * Centered modal or a slide-in panel.
   * @default "modal"
   */
  layout?: 'modal' | 'slide-in';
  /**
   * Show a close button and close on Esc.
   * @default true
   */
  dismissible?: boolean;
}

/** Reorders a list so items of the visitor's strongest interests come first. */
export interface ReorderAction {
  /** Reorder children by affinity. */
  type: 'reorder';
  /** CSS selector of the list. */
  selector: string;
  /** CSS selector of the items, relative to the list. */
  items: string;
  /** Attribute naming each item's category, e.g. `data-category`. */
  key: string;
}

/** Sends the visitor elsewhere before first paint (same origin or `redirectHosts`). */
export interface RedirectAction {
  /** Redirect. */
  type: 'redirect';
  /** Target URL; the current query string is kept. */
  url: string;
}

/** A DOM change. */
export type Action =
  | TextAction
  | HtmlAction
  | AttrAction
  | ClassAction
  | StyleAction
  | CssAction
  | HideAction
  | InsertAction
  | CtaAction
  | BannerAction
  | OverlayAction
  | ReorderAction
  | RedirectAction;

/** The `type` of every action. */
export type ActionType = Action['type'];

/* ------------------------------------------------------------------------------------------ */
/* Context                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/** Device class. */
export type DeviceType = 'mobile' | 'tablet' | 'desktop' | 'tv' | 'console' | 'wearable' | 'bot';

/** Journey stage. */
export type JourneyStage = 'new' | 'engaged' | 'customer' | 'loyal' | 'lapsed';

/** Consent state. */
export type ConsentState = 'granted' | 'denied' | 'pending';

/** Attribution of a session. */
export interface TrafficTouch {
  /** `utm_source`, click-id network, referrer name, or `direct`. */
  source: string;
  /** `utm_medium`, `cpc`, `organic`, `social`, `email`, `referral`, or `none`. */
  medium: string;
  /** `utm_campaign`. */
  campaign: string | null;
  /** `utm_term`. */
  term: string | null;
  /** `utm_content`. */
  content: string | null;
}

/** The signal context conditions address by dotted path. Unknown values are null. */
export interface Context {
  /** Who the visitor is. */
  visitor: {
    /** Anonymous id (cookie `tlr_id`). */
    id: string;
    /** Id from `identify`. */
    userId: string | null;
    /** Traits from `identify` and `data-tailor-set`. */
    traits: { [key: string]: JsonValue };
    /** True during the first session. */
    isNew: boolean;
    /** Number of sessions. */
    visits: number;
    /** Lifetime page views. */
    pageviews: number;
    /** Whole days since the first visit. */
    daysSinceFirstVisit: number;
    /** Whole days since the previous visit, null on the first. */
    daysSinceLastVisit: number | null;
    /** Lifetime conversions per goal. */
    conversions: { [goal: string]: number };
  };
  /** The current session. */
  session: {
    /** Page views in this session. */
    pageviews: number;
    /** Seconds since the session started. */
    seconds: number;
    /** Path of the session's first page. */
    landingPath: string;
  };
  /** The current page. */
  page: {
    /** URL without the fragment. */
    url: string;
    /** Path. */
    path: string;
    /** Host. */
    host: string;
    /** Query parameters (first value of each). */
    query: { [name: string]: string };
    /** `document.referrer`, or null. */
    referrer: string | null;
    /** `document.title`. */
    title: string;
    /** Category from the manifest or `<meta name="tailor:category">`. */
    category: string | null;
  };
  /** Last-touch attribution of this session, with the first session's in `first`. */
  traffic: TrafficTouch & {
    /** Attribution of the visitor's first session. */
    first: TrafficTouch;
  };
  /** Device. */
  device: {
    /** Device class. */
    type: DeviceType;
    /** Vendor (full build only). */
    vendor: string | null;
    /** Model (full build only). */
    model: string | null;
    /** Touch support. */
    touch: boolean;
  };
  /** Operating system. */
  os: {
    /** Name, e.g. `iOS`, `Android`, `Windows`, `macOS`. */
    name: string | null;
    /** Version string. */
    version: string | null;
  };
  /** Browser. */
  browser: {
    /** Name, e.g. `Chrome`, `Safari`, `Firefox`, `Edge`. */
    name: string | null;
    /** Version string. */
    version: string | null;
    /** Major version. */
    major: number | null;
  };
  /** Screen size in CSS pixels. */
  screen: {
    /** Width. */
    width: number | null;
    /** Height. */
    height: number | null;
  };
  /** Geography. */
  geo: {
    /** ISO 3166-1 alpha-2 country, or null. */
    country: string | null;
    /** IANA time zone. */
    timezone: string | null;
    /** Preferred language (BCP 47). */
    language: string | null;
    /** Accepted languages. */
    languages: string[];
  };
  /** Local time. */
  time: {
    /** 0–23. */
    hour: number;
    /** 0 = Sunday … 6. */
    weekday: number;
    /** Saturday or Sunday. */
    isWeekend: boolean;
    /** `YYYY-MM-DD`. */
    date: string;
    /** 1–12. */
    month: number;
  };
  /** Live behaviour on this page. */
  behavior: {
    /** 0–100. */
    scrollDepth: number;
    /** Seconds since the page view. */
    secondsOnPage: number;
  };
  /** Interest per category, 0–1, with `top` the strongest. */
  affinity: { [category: string]: number | string | null } & { top: string | null };
  /** Journey stage. */
  journey: { stage: JourneyStage };
  /** Score model outputs, 0–1. */
  score: { [name: string]: number };
  /** Site data from `set()` and the dataLayer. */
  data: { [key: string]: JsonValue };
  /** Remote enrichment responses, null on failure. */
  remote: { [name: string]: JsonValue };
  /** Consent. */
  consent: { state: ConsentState };
}

/* ------------------------------------------------------------------------------------------ */
/* Validation                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/** One problem found in a manifest. */
export interface ManifestProblem {
  /** JSON path of the offending value, e.g. `experiences[2].variants[1].actions[0].selector`. */
  path: string;
  /** A sentence a marketer understands. */
  message: string;
  /** `error`: the containing experience (or the manifest) is dropped. `warning`: ignored key or value. */
  severity: 'error' | 'warning';
}

/** What `validateManifest` returns. */
export interface ValidationResult {
  /** The runnable manifest (bad experiences removed), or null when nothing can run. */
  manifest: Manifest | null;
  /** Every problem found. */
  problems: ManifestProblem[];
}

/* ------------------------------------------------------------------------------------------ */
/* API and events                                                                             */
/* ------------------------------------------------------------------------------------------ */

/** Fields every event carries. */
export interface EventBase {
  /** 16+ random url-safe characters; the collector deduplicates by it. */
  id: string;
  /** Epoch milliseconds. */
  ts: number;
  /** Anonymous visitor id. */
  visitor: string;
  /** Session id: the visitor id and the session start, so it is stable across page views. */
  session: string;
  /** Page path (never the query string). */
  path: string;
}

/** An experience was shown (or, for control and holdouts, would have been). */
export interface ExposureEvent extends EventBase {
  /** Event type. */
  type: 'exposure';
  /** Experience id. */
  experience: string;
  /** Variant id, `holdout` or `global-holdout`. */
  variant: string;
  /** Set when the variant was forced with `?tailor_force`. */
  forced?: true;
}

/** A goal conversion. */
export interface ConversionEvent extends EventBase {
  /** Event type. */
  type: 'conversion';
  /** Goal name. */
  goal: string;
  /** Optional value, e.g. order value. */
  value?: number;
  /** Every sticky assignment the visitor holds: experience id → variant id. */
  assignments: { [experienceId: string]: string };
  /** Segments the visitor is in. */
  segments: string[];
}

/** A failure Tailor caught instead of throwing. */
export interface TailorError {
  /** What went wrong, as a sentence. */
  message: string;
  /** Where: a manifest JSON path, an API method or a subsystem. */
  path?: string;
}

/** One experience the visitor is in, as decided (see {@link DecisionSnapshot}). */
export interface DecidedAssignment {
  /** Experience id. */
  experience: string;
  /** Variant id, `holdout` or `global-holdout`. */
  variant: string;
  /** Set when the variant was forced with `?tailor_force`. */
  forced?: true;
}

/**
 * What one decision was made from and what it gave: the payload of the `debug` event, read by
 * the debug view (`?tailor_debug=1`) to explain each experience. For tooling; the shape may
 * grow between minor versions. The objects are the runtime's own: treat them as read-only.
 */
export interface DecisionSnapshot {
  /** The validated manifest that runs. */
  manifest: Manifest;
  /** The context the decision used. */
  context: Context;
  /** Segments the visitor is in. */
  segments: string[];
  /** The experiences the visitor is in, with their variants. */
  assignments: readonly DecidedAssignment[];
  /**
   * Why each other experience was left out, by experience id, as the decision found it: a reason
   * code (1 status, 2 pages, 3 schedule, 4 audience, 5 unit, 6 consent, 7 traffic, 8 no variant
   * with a weight) or, when another experience of its layer was taken first, that experience's id.
   */
  out: ReadonlyMap<string, number | string>;
  /** Ids of the experiences exposed on this page view so far (live: grows as triggers fire). */
  exposed: ReadonlySet<string>;
  /** Whether an experience that is not exposed yet is held back by its frequency cap or dismissal. */
  capped(experience: Experience): boolean;
  /** Epoch ms of the decision. */
  now: number;
  /**
   * Every problem reported so far (live), including those from before a late subscriber came: a
   * manifest that failed to load or parse, an experience dropped at load. Each is its
   * `on('error')` path and message joined by `|` (`undefined|…` without a path).
   */
  problems?: ReadonlySet<string>;
}

/** Payloads of the events `on()` subscribes to. */
export interface TailorEvents {
  /** The first page view is decided. */
  ready: void;
  /** An exposure was recorded. */
  exposure: ExposureEvent;
  /** A conversion was recorded. */
  conversion: ConversionEvent;
  /** The visitor's segments changed (names). */
  segments: string[];
  /** A failure was caught. */
  error: TailorError;
  /** A decision was made (page view, identify, set, consent…); a new subscriber gets the latest at once. */
  debug: DecisionSnapshot;
}

/** Options of `createTailor`. */
export interface TailorOptions {
  /** The manifest object (validated; bad experiences are dropped and reported). */
  manifest: unknown;
  /** Collector URL; overrides `manifest.endpoint`. */
  endpoint?: string;
  /** Initial consent; defaults follow `manifest.consent.mode`. */
  consent?: ConsentState;
  /** Log decisions and problems to the console. */
  debug?: boolean;
  /** ISO 3166-1 alpha-2 country known to the server (wins over client-side guesses). */
  country?: string;
  /**
   * Where the profile is kept: `local` (localStorage + the `tlr_id` cookie, the default) or
   * `memory` (nothing persisted, e.g. for kiosks or tests).
   */
  storage?: 'local' | 'memory';
  /**
   * Custom beacon transport (tests, native bridges): receives the JSON body and the endpoint
   * (`''` when none is set: it is called anyway). Return true when the body was accepted; false
   * keeps the events for a retry with backoff.
   */
  transport?: (body: string, endpoint: string) => Promise<boolean> | boolean;
  /** Clock in epoch ms (tests). */
  now?: () => number;
}

/** A Tailor instance: the API of `window.tailor` and `createTailor()`. */
export interface Tailor {
  /** Runs the pipeline for the current page; resolves when load-triggered rendering is done. */
  start(): Promise<void>;
  /** A new page view (SPA): re-evaluates and re-renders. */
  page(): void;
  /** Records a conversion for a goal, or a custom event. */
  track(goal: string, props?: { value?: number; [key: string]: unknown }): void;
  /** Sets `visitor.userId`, merges `visitor.traits`, re-evaluates. */
  identify(userId: string, traits?: { [key: string]: JsonValue }): void;
  /** Merges site data into `data.*`, re-evaluates. */
  set(data: { [key: string]: JsonValue }): void;
  /** Grants or denies consent; `denied` also forgets. */
  consent(state: 'granted' | 'denied'): void;
  /** Names of the segments the visitor is in. */
  segments(): string[];
  /** The assigned variant id, or null. */
  variant(experienceId: string): string | null;
  /** A copy of the current context. */
  context(): Context;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof TailorEvents>(event: K, handler: (payload: TailorEvents[K]) => void): () => void;
  /** Deletes every cookie and storage key Tailor wrote and drops queued events. */
  forget(): void;
  /** Reverts all DOM changes, removes listeners and observers. */
  destroy(): void;
}
