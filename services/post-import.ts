import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { findChannels } from '../db/channels';
import { listCampaigns } from '../db/campaigns';
import type { ImportRow } from '../db/imports';
import { postExists } from '../db/posts';
import type { Caller } from '../db/tokens';
import {
  DomainError,
  Invalid,
  invalidField,
  invalidFields,
  Unavailable,
  type FieldError as FieldProblem,
} from '../contracts/errors';
import { createPlannedPost, derivedPostId, planPost, type NewPostRequest, type PostCreationContext } from './posts';

export const IMPORT_COLUMNS = ['text', 'channels', 'publishAt', 'queue', 'campaign', 'media'] as const;
const REQUIRED_COLUMNS = ['text', 'channels'];
export const MAX_IMPORT_ROWS = 10_000;

/**
 * Reads an import file: UTF-8 (a BOM is allowed), a header row naming known columns, then one
 * post per row. Throws Invalid for the file as a whole (encoding, columns, size, CSV syntax).
 */
export function parseImportCsv(body: Buffer): ImportRow[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw invalidField('body', 'utf8', 'the file is not valid UTF-8; save it as CSV UTF-8');
  }
  // PostgreSQL cannot store a NUL: name each cell (line, as an editor numbers them, and column) that holds one.
  if (text.includes('\u0000')) throw invalidFields(nulCells(text));
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as never;
  } catch (err) {
    throw invalidField('body', 'csv', `the file is not valid CSV: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [header = []] = parse(text, { bom: true, to_line: 1, trim: true }) as string[][];
  const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (unknown.length > 0 || missing.length > 0) {
    const problems: FieldProblem[] = [
      ...missing.map((c) => ({ field: `columns.${c}`, rule: 'required', message: `the column "${c}" is missing` })),
      ...unknown.map((c) => ({
        field: `columns.${c}`,
        rule: 'known',
        message: `"${c}" is not a column; use ${IMPORT_COLUMNS.join(', ')}`,
      })),
    ];
    throw new Invalid(problems.map((p) => p.message).join('; '), problems);
  }
  if (records.length > MAX_IMPORT_ROWS)
    throw invalidField('body', 'max_rows', `at most ${MAX_IMPORT_ROWS} rows per file; this one has ${records.length}`);
  return records.map((r) => ({ line: r.info.lines, cells: r.record }));
}

const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';

/** The cells holding a NUL, as `lines.<line>.<column>` (header cells as `columns.<position>`); by line where the file is not CSV. */
function nulCells(text: string): FieldProblem[] {
  const nul = (field: string) => ({ field, rule: 'no_nul', message: NUL_MESSAGE });
  try {
    const rows = parse(text, { bom: true, relax_column_count: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    const header = rows[0]?.record.map((h) => h.trim()) ?? [];
    const problems = rows.flatMap(({ record, info }, row) =>
      record.flatMap((cell, i) =>
        !cell.includes('\u0000')
          ? []
          : [nul(row === 0 ? `columns.${i + 1}` : `lines.${info.lines}.${header[i] || `column${i + 1}`}`)],
      ),
    );
    if (problems.length > 0) return problems;
  } catch {
    // Not CSV: the lines are named below.
  }
  return text.split(/\r\n|\n|\r/).flatMap((line, i) => (line.includes('\u0000') ? [nul(`lines.${i + 1}`)] : []));
}

/** Channel and campaign names of a workspace, to read the `channels` and `campaign` cells. */
export interface ImportLookups {
  channels: Map<string, string>;
  campaigns: Map<string, string>;
}

export async function importLookups(ctx: Pick<PostCreationContext, 'db'>, workspaceId: string): Promise<ImportLookups> {
  const [channels, campaigns] = await Promise.all([
    findChannels(ctx.db, workspaceId),
    listCampaigns(ctx.db, workspaceId),
  ]);
  const byKey = <T extends { id: string; name: string }>(items: T[]) =>
    new Map(
      items.flatMap((i) => [
        [i.id, i.id],
        [i.name.toLowerCase(), i.id],
      ]),
    );
  return { channels: byKey(channels), campaigns: byKey(campaigns) };
}

/** Turns a row's cells into a post request, or the problems that stop it. */
function toRequest(row: ImportRow, lookups: ImportLookups): NewPostRequest | FieldProblem[] {
  const cell = (name: string) => (row.cells[name] ?? '').trim();
  const problems: FieldProblem[] = [];
  const channelIds = cell('channels')
    .split(/[;|]/)
    .map((c) => c.trim())
    .filter(Boolean)
    .map((name) => {
      const id = lookups.channels.get(name.toLowerCase()) ?? lookups.channels.get(name);
      if (!id) problems.push({ field: 'channels', rule: 'exists', message: `no channel "${name}" in this workspace` });
      return id;
    })
    .filter((id): id is string => id !== undefined);
  if (cell('channels') === '')
    problems.push({
      field: 'channels',
      rule: 'required',
      message: 'name at least one channel (names or ids, separated by ;)',
    });
  if (cell('text') === '') problems.push({ field: 'text', rule: 'required', message: 'must not be empty' });
  const queue = /^(true|yes|1)$/i.test(cell('queue'));
  if (cell('queue') !== '' && !queue && !/^(false|no|0)$/i.test(cell('queue')))
    problems.push({ field: 'queue', rule: 'boolean', message: 'must be true or false' });
  const publishAt = cell('publishAt');
  if (publishAt && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(publishAt)) {
    problems.push({
      field: 'publishAt',
      rule: 'iso_datetime',
      message: 'must be an ISO-8601 date-time with a UTC offset, e.g. 2026-12-01T09:00:00+01:00',
    });
  }
  if (!publishAt && !queue)
    problems.push({ field: 'publishAt', rule: 'required', message: 'give publishAt or queue=true' });
  if (publishAt && queue)
    problems.push({ field: 'queue', rule: 'exclusive', message: 'give either publishAt or queue, not both' });
  const campaignName = cell('campaign');
  const campaignId = campaignName
    ? (lookups.campaigns.get(campaignName.toLowerCase()) ?? lookups.campaigns.get(campaignName))
    : undefined;
  if (campaignName && !campaignId)
    problems.push({ field: 'campaign', rule: 'exists', message: `no campaign "${campaignName}" in this workspace` });
  // Media: uploaded media ids (POST /v1/media), separated by ; or |, attached in that order.
  const media = cell('media')
    .split(/[;|]/)
    .map((m) => m.trim())
    .filter(Boolean);
  media.forEach((id, i) => {
    if (!z.uuid().safeParse(id).success)
      problems.push({
        field: `media.${i}`,
        rule: 'uuid',
        message: `"${id}" is not a media id (upload with POST /v1/media and use the id it returns)`,
      });
  });
  if (media.length > 4)
    problems.push({ field: 'media', rule: 'max', message: `at most 4 media per post; this row has ${media.length}` });
  if (problems.length > 0) return problems;
  return {
    text: cell('text'),
    channelIds: [...new Set(channelIds)],
    ...(publishAt ? { publishAt } : {}),
    ...(queue ? { queue } : {}),
    ...(campaignId ? { campaignId } : {}),
    ...(media.length ? { media: media.map((mediaId) => ({ mediaId })) } : {}),
  };
}

export type RowOutcome = { line: number; postId?: string; errors?: FieldProblem[] };

/**
 * Checks one row with every rule a post created through the API must pass; with `create`, also
 * stores it and starts its workflow. The post id is derived from the job and line, so a retried
 * batch finds the post it already made instead of making another.
 */
export async function importRow(
  ctx: PostCreationContext,
  caller: Caller,
  row: ImportRow,
  lookups: ImportLookups,
  create?: { jobId: string },
): Promise<RowOutcome> {
  const request = toRequest(row, lookups);
  if (Array.isArray(request)) return { line: row.line, errors: request };
  try {
    const plan = await planPost(ctx, caller, request);
    if (!create) return { line: row.line };
    plan.input.postId = derivedPostId(`import:${create.jobId}:${row.line}`);
    return {
      line: row.line,
      postId: (await postExists(ctx.db, plan.input.postId)) ? plan.input.postId : await createPlannedPost(ctx, plan),
    };
  } catch (err) {
    if (err instanceof DomainError && !(err instanceof Unavailable))
      return {
        line: row.line,
        errors: err.errors.length ? err.errors : [{ field: 'row', rule: 'valid', message: err.message }],
      };
    throw err;
  }
}
