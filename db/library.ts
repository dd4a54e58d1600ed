import { sql, type ColumnType, type Generated, type Insertable, type Selectable } from 'kysely';
import { z } from 'zod';
import type { Db } from './database';
import { appendAudit } from './audit';
import type { CreatedAt, Timestamp } from './columns';
import type { MediaAssetsTable } from './posts.types';
import { LIBRARY_ITEM_KINDS, type LibraryItemKind } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export type { LibraryItemKind };

export interface LibraryItemsTable {
  id: Generated<string>;
  workspace_id: string;
  kind: LibraryItemKind;
  name: string;
  body: string | null;
  variables: ColumnType<string[], string[] | undefined, string[]>;
  media_id: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  owner_id: string;
  expires_at: Timestamp | null;
  status: 'awaiting_approval' | 'approved' | 'rejected';
  workflow_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export const libraryItemView = z.object({
  id: z.uuid(),
  kind: z.enum(LIBRARY_ITEM_KINDS),
  name: z.string(),
  body: z.string().nullable(),
  variables: z.array(z.string()),
  mediaId: z.uuid().nullable(),
  tags: z.array(z.string()),
  ownerId: z.uuid(),
  expiresAt: z.string().nullable(),
  status: z.enum(['awaiting_approval', 'approved', 'rejected']),
  usable: z.boolean().describe('Approved and not expired: posts made from it unchanged skip their approval'),
  workflowId: z.string(),
  usedBy: z.array(z.uuid()).describe('The posts made from it or carrying it'),
  createdAt: z.string(),
});
export type LibraryItemView = z.infer<typeof libraryItemView>;

export async function listLibraryItems(
  db: Db,
  workspaceId: string,
  filter: { tag?: string; kind?: LibraryItemKind; usable?: boolean; ids?: string[] } = {},
): Promise<LibraryItemView[]> {
  let query = db.selectFrom('library_items').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.tag) query = query.where(sql<boolean>`${filter.tag} = any(tags)`);
  if (filter.usable)
    query = query
      .where('status', '=', 'approved')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]));
  const rows = await query.orderBy('created_at').execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // Used by: posts made from the item (text), and posts carrying it as a medium.
  const usage = await db
    .selectFrom('posts')
    .select(['id', 'library_item_id'])
    .where('library_item_id', 'in', ids)
    .union(db.selectFrom('post_media').select(['post_id as id', 'library_item_id']).where('library_item_id', 'in', ids))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    body: r.body,
    variables: r.variables,
    mediaId: r.media_id,
    tags: r.tags,
    ownerId: r.owner_id,
    expiresAt: r.expires_at?.toISOString() ?? null,
    status: r.status,
    usable: r.status === 'approved' && (!r.expires_at || r.expires_at > new Date()),
    workflowId: r.workflow_id,
    usedBy: usage.filter((u) => u.library_item_id === r.id).map((u) => u.id),
    createdAt: r.created_at.toISOString(),
  }));
}

export async function findLibraryItem(db: Db, workspaceId: string, id: string): Promise<LibraryItemView | undefined> {
  const [item] = await listLibraryItems(db, workspaceId, { ids: [id] });
  return item;
}

/** Sets a library item's status after its review, with its audit entry; nothing when it has it already. */
export async function saveLibraryItemStatus(
  db: Db,
  { itemId, status }: { itemId: string; status: 'approved' | 'rejected' },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const item = await trx
      .selectFrom('library_items')
      .select(['workspace_id', 'status'])
      .where('id', '=', itemId)
      .executeTakeFirstOrThrow();
    if (item.status === status) return;
    await trx.updateTable('library_items').set({ status, updated_at: new Date() }).where('id', '=', itemId).execute();
    await appendAudit(trx, {
      workspaceId: item.workspace_id,
      actorId: null,
      action: 'library_item.status_changed',
      subjectType: 'library_item',
      subjectId: itemId,
      before: { status: item.status },
      after: { status },
    });
  });
}

export async function insertLibraryItem(db: Db, row: Insertable<LibraryItemsTable>): Promise<void> {
  await db.insertInto('library_items').values(row).execute();
}

export type MediaAssetRow = Selectable<MediaAssetsTable>;

/** Stores an uploaded file's facts, audited. */
export async function insertMediaAsset(db: Db, row: Insertable<MediaAssetsTable>): Promise<MediaAssetRow> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('media_assets').values(row).returningAll().executeTakeFirstOrThrow();
    await appendAudit(trx, {
      workspaceId: inserted.workspace_id,
      actorId: inserted.owner_id,
      action: 'media.uploaded',
      subjectType: 'media',
      subjectId: inserted.id,
      after: { filename: inserted.filename, contentType: inserted.content_type, bytes: inserted.bytes },
    });
    return inserted;
  });
}

export async function findMediaAsset(db: Db, workspaceId: string, id: string): Promise<MediaAssetRow | undefined> {
  return db
    .selectFrom('media_assets')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}

/** An upload by id alone, whatever its workspace: only for a signed media URL, whose signature is the authority. */
export async function findMediaAssetById(db: Db, id: string): Promise<MediaAssetRow | undefined> {
  return db.selectFrom('media_assets').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What a post's checks need to know of its media: type, size and dimensions. */
export async function findMediaAssets(db: Db, workspaceId: string, ids: string[]) {
  return db
    .selectFrom('media_assets')
    .select(['id', 'content_type', 'bytes', 'width', 'height'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
}
