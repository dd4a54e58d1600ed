import { z } from 'zod';
import { fieldErrorsLine } from '../../../contracts/errors';
import type { ListeningSources } from '../../../db/listening';
import { fetchFeed, NotAFeedError } from '../../../listening/feeds';
import {
  checkTimeline,
  MastodonAuthRequired,
  MastodonRateLimited,
  NotMastodonError,
  timelineKey,
} from '../../../listening/mastodon';
import { compileQuery, queryWarnings, QuerySyntaxError } from '../../../listening/query';
import { invalidField, Problem } from '../../problems';

/** What a listening query is made of (sources, filters, alerting), how it is shown, and the checks a new or changed one passes. */

export const sources = z.strictObject({
  bluesky: z
    .strictObject({
      service: z
        .url({ protocol: /^(wss?|https?)$/ })
        .default('wss://bsky.network')
        .describe('A relay or PDS serving com.atproto.sync.subscribeRepos'),
      plcUrl: z.url().optional().describe('PLC directory; default plc.directory'),
      fromCursor: z.number().int().min(0).optional().describe('Backfill from this firehose sequence number'),
    })
    .optional(),
  rss: z
    .array(z.url({ protocol: /^https?$/ }))
    .max(50)
    .optional()
    .describe('RSS or Atom feeds, polled with conditional GET'),
  mastodon: z
    .array(
      z
        .strictObject({
          instance: z.url({ protocol: /^https?$/ }).describe('The instance, e.g. https://mastodon.social'),
          hashtag: z
            .string()
            .regex(/^#?[\p{L}\p{N}_]+$/u, 'must be a hashtag: letters, digits and _')
            .transform((tag) => tag.replace(/^#/, ''))
            .optional()
            .describe("Read this hashtag's timeline"),
          search: z
            .string()
            .trim()
            .min(1)
            .max(500)
            .optional()
            .describe(
              'Or read the statuses this search finds (needs an access token and an instance with full-text search)',
            ),
          accessToken: z
            .string()
            .min(1)
            .max(500)
            .optional()
            .describe('A token with the read:statuses scope; stored sealed, never returned'),
        })
        .refine((t) => (t.hashtag === undefined) !== (t.search === undefined), {
          message: 'give exactly one of hashtag or search',
          path: ['hashtag'],
        })
        .refine((t) => t.search === undefined || t.accessToken !== undefined, {
          message: 'Mastodon only searches statuses for a signed-in user: give an access token',
          path: ['accessToken'],
        }),
    )
    .max(20)
    .optional()
    .describe('Mastodon hashtag or search timelines, read from where the last read stopped'),
  push: z.boolean().optional().describe('Match the mentions other systems push to POST /v1/listening/ingest'),
});
export type SourcesInput = z.infer<typeof sources>;

/** Each Mastodon timeline must answer as Mastodon does, with the token given; later failures are reported as health. */
async function checkMastodon(timelines: NonNullable<SourcesInput['mastodon']>): Promise<void> {
  const found: { field: string; rule: string; message: string }[] = [];
  await Promise.all(
    timelines.map(async (t, i) => {
      try {
        await checkTimeline(t);
      } catch (err) {
        if (err instanceof MastodonAuthRequired)
          found.push({
            field: `sources.mastodon.${i}.accessToken`,
            rule: 'mastodon_token',
            message: `the instance wants a valid access token for this timeline (${err.message})`,
          });
        else if (err instanceof NotMastodonError)
          found.push({
            field: `sources.mastodon.${i}.instance`,
            rule: 'mastodon',
            message: `is not a Mastodon API (${err.message})`,
          });
        else if (!(err instanceof MastodonRateLimited))
          found.push({
            field: `sources.mastodon.${i}.instance`,
            rule: 'reachable',
            message: `could not be read: ${err instanceof Error ? err.message : String(err)}`,
          });
      }
    }),
  );
  if (found.length > 0) throw new Problem(422, 'Unprocessable Content', fieldErrorsLine(found), found);
}

/** Each feed must answer with RSS or Atom now; later failures are reported as the source's health. */
async function checkFeeds(urls: string[]): Promise<void> {
  const problems = await Promise.all(
    urls.map(async (url, i) => {
      try {
        await fetchFeed(url);
        return undefined;
      } catch (err) {
        const message =
          err instanceof NotAFeedError
            ? `is not an RSS or Atom feed (${err.message})`
            : `could not be fetched: ${err instanceof Error ? err.message : String(err)}`;
        return { field: `sources.rss.${i}`, rule: 'feed', message };
      }
    }),
  );
  const found = problems.filter((p): p is NonNullable<typeof p> => p !== undefined);
  if (found.length > 0) throw new Problem(422, 'Unprocessable Content', fieldErrorsLine(found), found);
}
export const filters = z.strictObject({
  minLength: z.number().int().min(0).max(1000).optional(),
  languages: z.array(z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code')).optional(),
  blockAuthors: z.array(z.string().min(1)).optional(),
  blockDomains: z.array(z.string().min(1)).optional(),
});

export const alerting = z.strictObject({
  windowSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600)
    .optional()
    .describe('Window compared with the ones before it (default 3600)'),
  baselineWindows: z
    .number()
    .int()
    .min(1)
    .max(168)
    .optional()
    .describe('How many earlier windows form the baseline (default 12)'),
  minVolume: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Fewer mentions than this in the window never alert (default 10)'),
  volumeFactor: z
    .number()
    .min(1)
    .optional()
    .describe('Volume spike: more than this times the baseline mean (default 3)'),
  negativeShareIncrease: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("Negative spike: share of negatives this much above the baseline's, and at least half (default 0.2)"),
});

/** A query as answered: Mastodon tokens only as `hasAccessToken`. */
export const queryView = z.object({
  id: z.uuid(),
  name: z.string(),
  expression: z.string(),
  kind: z.enum(['brand', 'competitor', 'topic']),
  sources: z.object({
    bluesky: z
      .object({ service: z.string(), plcUrl: z.string().optional(), fromCursor: z.number().optional() })
      .optional(),
    rss: z.array(z.string()).optional(),
    mastodon: z
      .array(
        z.object({
          instance: z.string(),
          hashtag: z.string().optional(),
          search: z.string().optional(),
          hasAccessToken: z.boolean(),
        }),
      )
      .optional(),
    push: z.boolean().optional(),
  }),
  filters: z.object({
    minLength: z.number().optional(),
    languages: z.array(z.string()).optional(),
    blockAuthors: z.array(z.string()).optional(),
    blockDomains: z.array(z.string()).optional(),
  }),
  alerting: z.object({
    windowSeconds: z.number().optional(),
    baselineWindows: z.number().optional(),
    minVolume: z.number().optional(),
    volumeFactor: z.number().optional(),
    negativeShareIncrease: z.number().optional(),
  }),
  status: z.enum(['active', 'paused', 'deleted']),
  workflowId: z.string(),
  createdAt: z.string(),
  listeningSince: z
    .string()
    .describe('Since when the query has listened without a break (created, resumed, a source added)'),
  alertsFrom: z
    .string()
    .describe('From then on its spike baseline holds only windows it listened through, and it can alert'),
});

/** A saved query, with what in it probably does not mean what was meant (it is saved as written). */
export const savedQueryView = queryView.extend({
  warnings: z
    .array(z.object({ field: z.string(), rule: z.string(), message: z.string() }))
    .describe('e.g. a lower-case "or" that is searched for as a word'),
});

/** Whether `after` reads something `before` did not: its first read may bring history at once. */
export function addsSources(before: ListeningSources, after: ListeningSources): boolean {
  const timelines = (s: ListeningSources) => (s.mastodon ?? []).map((t) => timelineKey(t));
  return (
    (after.bluesky !== undefined &&
      (after.bluesky.service !== before.bluesky?.service || after.bluesky.fromCursor !== before.bluesky?.fromCursor)) ||
    (after.rss ?? []).some((url) => !before.rss?.includes(url)) ||
    timelines(after).some((t) => !timelines(before).includes(t)) ||
    (after.push === true && before.push !== true)
  );
}

/** At least one source, and every feed and Mastodon timeline answering as it should now. */
export async function checkSources(given: SourcesInput): Promise<void> {
  if (!given.bluesky && !given.rss?.length && !given.mastodon?.length && !given.push) {
    throw invalidField('sources', 'one_source', 'name at least one source (bluesky, rss, mastodon or push)');
  }
  await Promise.all([
    given.rss?.length ? checkFeeds(given.rss) : undefined,
    given.mastodon?.length ? checkMastodon(given.mastodon) : undefined,
  ]);
}

/** Compiles the expression, or answers 422 with where it broke and what was expected. */
export function checkExpression(expression: string): void {
  try {
    compileQuery(expression);
  } catch (err) {
    if (err instanceof QuerySyntaxError) {
      throw new Problem(422, 'Unprocessable Content', `expression: ${err.message}`, [
        { field: 'expression', rule: 'syntax', message: err.message },
      ]);
    }
    throw err;
  }
}

export const parsedExpressionView = z.object({
  ok: z.boolean(),
  error: z
    .object({
      message: z.string(),
      position: z.number().int().describe('0-based offset into the expression (UTF-16 units), where the caret belongs'),
      expected: z.string(),
      found: z.string(),
    })
    .nullable(),
  warnings: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })),
  terms: z.array(z.string()).describe('The terms and phrases a matching mention contains, for highlighting'),
});

/** Parses an expression for an editor: where it breaks and what was expected there, or a valid one's warnings. */
export function parseExpression(expression: string): z.infer<typeof parsedExpressionView> {
  try {
    const compiled = compileQuery(expression);
    return { ok: true, error: null, warnings: queryWarnings(expression), terms: compiled.terms };
  } catch (err) {
    if (!(err instanceof QuerySyntaxError)) throw err;
    const error = { message: err.message, position: err.position, expected: err.expected, found: err.found };
    return { ok: false, error, warnings: [], terms: [] };
  }
}
