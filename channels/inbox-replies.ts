import { RichText, type AtpAgent } from '@atproto/api';
import { TID } from '@atproto/common-web';
import { XRPCError } from '@atproto/xrpc';
import { htmlToText } from '../content/html-text';
import type { MessageKind } from '../contracts/inbox';
import { REMOTE_MENTION } from '../contracts/text-rules';
import { toChannelError, type BlueskyAdapter, type BlueskyCredentials } from './bluesky';
import type { NetworkState } from './adapter';
import { ChannelError } from './errors';
import type { MastodonAdapter, MastodonCredentials } from './mastodon';

/**
 * Replies and likes from the engagement inbox, through the channel's own account. Each is made
 * exactly once however often it is tried: Bluesky records go under a record key derived from the
 * reply or message (`inboxRecordKey`), looked for before they are written; Mastodon statuses carry
 * an Idempotency-Key, and a retry first looks among the account's latest statuses for the reply.
 */

/** The item replied to or liked: its id on the network, and (Bluesky) its record's CID and thread root. */
export interface InboxItemRef {
  externalId: string;
  cid?: string | null;
  /** What it is on the network (a comment, a mention) and what it answers: Instagram replies to a mention differently. */
  kind?: MessageKind;
  parentExternalId?: string | null;
  rootExternalId?: string | null;
  rootCid?: string | null;
}

export interface InboxReplyRequest {
  text: string;
  parent: InboxItemRef;
  /** Bluesky: the record key (a TID); Mastodon: the Idempotency-Key. Stable across retries. */
  idempotencyKey: string;
  /** A retry looks for what an earlier attempt may have created (Bluesky always does: it is one read). */
  isRetry: boolean;
  /** Mastodon: a reply in a direct conversation stays direct. */
  direct?: boolean;
  /** What an earlier attempt left on the network (Threads: the reply's media container), kept by the reply. */
  networkState?: NetworkState;
}

export interface InboxReplyResult {
  externalId: string;
  url: string | null;
  cid?: string;
  rootExternalId?: string;
  rootCid?: string;
}

/** The parent was deleted on the network: nothing is sent, and retrying will not help. */
export class ParentDeleted extends ChannelError {
  override name = 'ParentDeleted';
  constructor(network: string) {
    super('rejected', `The message replied to was deleted on ${network}; the reply was not sent`);
  }
}

/**
 * A record key (a TID) that is the same every time for the same item: its microsecond time from
 * `at` (with the id's last digits, so two items of the same millisecond differ), its clock id from
 * the id.
 */
export function inboxRecordKey(id: string, at: Date): string {
  const n = Number(BigInt(id) % 1_000_000n);
  return TID.fromTime(at.getTime() * 1000 + (n % 1000), n % 1024).toString();
}

const POST = 'app.bsky.feed.post';
const LIKE = 'app.bsky.feed.like';

function parseAtUri(uri: string): { repo: string; collection: string; rkey: string } {
  const match = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!match) throw new ChannelError('invalid_content', `Not a Bluesky record address: ${uri}`);
  return { repo: match[1]!, collection: match[2]!, rkey: match[3]! };
}

const isNotFound = (err: unknown) =>
  err instanceof XRPCError && /RecordNotFound|Could not locate record/i.test(`${err.error} ${err.message}`);

interface FoundRecord {
  uri: string;
  cid: string;
  value: { reply?: { root?: { uri: string; cid: string } } };
}

async function getRecord(agent: AtpAgent, uri: string): Promise<FoundRecord | undefined> {
  const { repo, collection, rkey } = parseAtUri(uri);
  try {
    const found = await agent.com.atproto.repo.getRecord({ repo, collection, rkey });
    return { uri: found.data.uri, cid: found.data.cid!, value: found.data.value as FoundRecord['value'] };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw toChannelError(err);
  }
}

const postUrl = (uri: string) => {
  const { repo, rkey } = parseAtUri(uri);
  return `https://bsky.app/profile/${repo}/post/${rkey}`;
};

export async function blueskyReply(
  adapter: BlueskyAdapter,
  credentials: BlueskyCredentials,
  request: InboxReplyRequest,
): Promise<InboxReplyResult> {
  const agent = await adapter.agentFor(credentials);
  const repo = agent.session!.did;
  const uri = `at://${repo}/${POST}/${request.idempotencyKey}`;
  const parentUri = request.parent.externalId;
  const rootUri = request.parent.rootExternalId ?? parentUri;
  const result = (cid: string, root: { uri: string; cid: string }): InboxReplyResult => ({
    externalId: uri,
    url: postUrl(uri),
    cid,
    rootExternalId: root.uri,
    rootCid: root.cid,
  });
  // An earlier attempt (or a replay) may have written it: then that is the reply.
  const earlier = await getRecord(agent, uri);
  if (earlier) return result(earlier.cid, earlier.value.reply?.root ?? { uri: rootUri, cid: '' });

  // The parent as it is now: deleted means no reply; its CID is the strong ref's.
  const parent = await getRecord(agent, parentUri).catch((err: unknown): FoundRecord => {
    // A parent on another PDS may not be readable here; the stored CID then stands.
    if (request.parent.cid) return { uri: parentUri, cid: request.parent.cid, value: {} };
    throw err;
  });
  if (!parent) throw new ParentDeleted('Bluesky');
  const root =
    rootUri === parentUri
      ? parent
      : request.parent.rootCid
        ? { uri: rootUri, cid: request.parent.rootCid }
        : (parent.value.reply?.root ?? (await getRecord(agent, rootUri)));
  if (!root) throw new ParentDeleted('Bluesky (the thread it began)');

  try {
    const richText = new RichText({ text: request.text });
    await richText.detectFacets(agent);
    const written = await agent.com.atproto.repo.createRecord({
      repo,
      collection: POST,
      rkey: request.idempotencyKey,
      record: {
        $type: POST,
        text: richText.text,
        facets: richText.facets,
        reply: { root: { uri: root.uri, cid: root.cid }, parent: { uri: parent.uri, cid: parent.cid } },
        createdAt: new Date().toISOString(),
      },
    });
    return result(written.data.cid, root);
  } catch (err) {
    // The PDS refuses a second record under the same key: if ours is there, an earlier attempt won.
    const raced = await getRecord(agent, uri).catch(() => undefined);
    if (raced) return result(raced.cid, root);
    throw toChannelError(err);
  }
}

export async function blueskyLike(
  adapter: BlueskyAdapter,
  credentials: BlueskyCredentials,
  subject: InboxItemRef,
  rkey: string,
): Promise<{ externalId: string }> {
  const agent = await adapter.agentFor(credentials);
  const repo = agent.session!.did;
  const uri = `at://${repo}/${LIKE}/${rkey}`;
  if (await getRecord(agent, uri)) return { externalId: uri };
  const liked = await getRecord(agent, subject.externalId).catch((err: unknown): FoundRecord => {
    if (subject.cid) return { uri: subject.externalId, cid: subject.cid, value: {} };
    throw err;
  });
  if (!liked) throw new ChannelError('rejected', 'The message was deleted on Bluesky; nothing to like');
  try {
    await agent.com.atproto.repo.createRecord({
      repo,
      collection: LIKE,
      rkey,
      record: { $type: LIKE, subject: { uri: liked.uri, cid: liked.cid }, createdAt: new Date().toISOString() },
    });
  } catch (err) {
    if (!(await getRecord(agent, uri).catch(() => undefined))) throw toChannelError(err);
  }
  return { externalId: uri };
}

interface MastodonStatus {
  id: string;
  url: string | null;
  uri: string;
  content: string;
  in_reply_to_id: string | null;
}

/** Mastodon answers 404 to a status whose `in_reply_to_id` (or a favourite whose status) no longer exists. */
const isGone = (err: unknown) => err instanceof ChannelError && err.kind === 'rejected' && /\(404\b/.test(err.message);

export async function mastodonReply(
  adapter: MastodonAdapter,
  credentials: MastodonCredentials,
  request: InboxReplyRequest,
): Promise<InboxReplyResult> {
  const parentId = request.parent.externalId;
  if (request.isRetry) {
    // Idempotency-Key holds for an hour on Mastodon; a later retry finds the reply among the account's latest.
    const me = await adapter.call<{ id: string }>(credentials, 'GET', '/api/v1/accounts/verify_credentials');
    const latest = await adapter.call<MastodonStatus[]>(
      credentials,
      'GET',
      `/api/v1/accounts/${encodeURIComponent(me.id)}/statuses?limit=40`,
    );
    const rendered = (value: string) => value.replace(REMOTE_MENTION, '$1@$2').replace(/\s+/g, ' ').trim();
    const found = latest.find(
      (s) => s.in_reply_to_id === parentId && rendered(htmlToText(s.content)) === rendered(request.text),
    );
    if (found) return { externalId: found.id, url: found.url ?? found.uri };
  }
  try {
    const status = await adapter.call<MastodonStatus>(credentials, 'POST', '/api/v1/statuses', {
      body: JSON.stringify({
        status: request.text,
        in_reply_to_id: parentId,
        ...(request.direct ? { visibility: 'direct' } : {}),
      }),
      headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey },
    });
    return { externalId: status.id, url: status.url ?? status.uri };
  } catch (err) {
    if (isGone(err)) throw new ParentDeleted('Mastodon');
    throw err;
  }
}

/** Favourites a status (Mastodon makes a second favourite of the same status a no-op). */
export async function mastodonFavourite(
  adapter: MastodonAdapter,
  credentials: MastodonCredentials,
  subject: InboxItemRef,
): Promise<{ externalId: string }> {
  try {
    await adapter.call(credentials, 'POST', `/api/v1/statuses/${encodeURIComponent(subject.externalId)}/favourite`);
  } catch (err) {
    if (isGone(err)) throw new ChannelError('rejected', 'The message was deleted on Mastodon; nothing to like');
    throw err;
  }
  return { externalId: subject.externalId };
}
