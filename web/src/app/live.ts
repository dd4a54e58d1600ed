/**
 * How often screens that show changing state (post statuses, approvals waiting, alerts) ask again.
 * Polling, not server-sent events: it works the same on PGlite (no LISTEN/NOTIFY across its
 * socket server) and on PostgreSQL, and TanStack Query pauses it while the tab is hidden.
 */
export const LIVE_REFETCH_MS = 3000;
