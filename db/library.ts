import { sql, type ColumnType, type Generated } from 'kysely';
import type { Db } from './database';
import { appendAudit } from './audit';
import type { CreatedAt, Timestamp } from './columns';
import { LIBRARY_ITEM_KINDS, type LibraryItemKind } from '../contracts/domain';
// The enum lives in contracts/domain.ts (workflows and clients need it without the database).
export { LIBRARY_ITEM_KINDS, type LibraryItemKind };

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

export interface LibraryItemView {
  id: string;
  kind: LibraryItemKind;
  name: string;
  body: string | null;
  variables: string[];
  mediaId: string | null;
  tags: string[];
  ownerId: string;
  expiresAt: string | null;
  status: 'awaiting_approval' | 'approved' | 'rejected';
  /** Approved and not expired: posts made from it unchanged skip their approval. */
  usable: boolean;
  workflowId: string;
  usedBy: string[];
  createdAt: string;
}

export async function listLibraryItems(db: Db, workspaceId: string, filter: { tag?: string; kind?: LibraryItemKind; usable?: boolean; ids?: string[] } = {}): Promise<LibraryItemView[]> {
  let query = db.selectFrom('library_items').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.tag) query = query.where(sql<boolean>`${filter.tag} = any(tags)`);
  if (filter.usable) query = query.where('status', '=', 'approved').where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]));
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
export async function saveLibraryItemStatus(db: Db, { itemId, status }: { itemId: string; status: 'approved' | 'rejected' }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const item = await trx.selectFrom('library_items').select(['workspace_id', 'status']).where('id', '=', itemId).executeTakeFirstOrThrow();
    if (item.status === status) return;
    await trx.updateTable('library_items').set({ status, updated_at: new Date() }).where('id', '=', itemId).execute();
    await appendAudit(trx, { workspaceId: item.workspace_id, actorId: null, action: 'library_item.status_changed', subjectType: 'library_item', subjectId: itemId, before: { status: item.status }, after: { status } });
  });
}
