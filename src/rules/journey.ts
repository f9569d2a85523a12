import type { JourneyConfig, JourneyStage } from '../manifest/types';

/** What the journey stage is computed from (the visitor part of the context). */
export interface JourneyInput {
  pageviews: number;
  visits: number;
  conversions: Record<string, number>;
  traits: Record<string, unknown>;
  daysSinceLastVisit: number | null;
}

/**
 * Journey stage (docs/manifest.md), first match wins: lapsed, loyal, customer, engaged, new.
 * Defaults: engagedPageviews 3, loyalPurchases 3, lapsedDays 60, purchaseGoal "purchase".
 */
export function journeyStage(config: JourneyConfig | undefined, v: JourneyInput): JourneyStage {
  const c = config || {};
  const purchases = v.conversions[c.purchaseGoal ?? 'purchase'] || 0;
  const tier = v.traits.loyaltyTier;
  if (purchases > 0 && (v.daysSinceLastVisit ?? 0) > (c.lapsedDays ?? 60)) return 'lapsed';
  if (purchases >= (c.loyalPurchases ?? 3) || (tier != null && tier !== '')) return 'loyal';
  if (purchases > 0) return 'customer';
  if (v.pageviews >= (c.engagedPageviews ?? 3) || v.visits >= 2) return 'engaged';
  return 'new';
}
