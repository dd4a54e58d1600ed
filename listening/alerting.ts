import type { AlertingRule } from '../db/alerts';

/** Last hour against the twelve before it, as the issue suggests; each query can change it. */
export const DEFAULT_ALERTING: AlertingRule = {
  windowSeconds: 3600,
  baselineWindows: 12,
  minVolume: 10,
  volumeFactor: 3,
  negativeShareIncrease: 0.2,
};

export const alertingRule = (stored: Partial<AlertingRule>): AlertingRule => ({ ...DEFAULT_ALERTING, ...stored });

/**
 * When a query can first alert: once its baseline windows and the current one all lie after it
 * started listening without a break. Before that, a baseline window was not watched (its zero is
 * not real) and a backfill's old mentions, arriving at once, would look like a spike.
 */
export const alertsFrom = (listeningSince: Date, rule: AlertingRule): Date =>
  new Date(listeningSince.getTime() + rule.windowSeconds * 1000 * (rule.baselineWindows + 1));
