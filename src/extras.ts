/**
 * Signals few manifests read: page categories and affinity, the journey stage and scores. The
 * script tags load them as the `extras` chunk before deciding, when a manifest has categories,
 * a `reorder` action or reads `page.category`, `affinity.*`, `journey.*` or `score.*` (else
 * they are not collected); the npm build has them at once (src/parts.ts).
 */
export { journeyStage } from './rules/journey';
export { computeScores } from './rules/scores';
export { addAffinity, affinityContext, pageCategory } from './signals/affinity';
