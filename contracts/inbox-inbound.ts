/**
 * What the inbox's inbound readers (channels/inbox-*.ts) and the push route hand to storage
 * (db/inbox-ingest.ts): one item as a network shows it, already grouped by its thread.
 */
import type { ConversationKind, InboxNetwork, MessageKind } from './inbox';

export interface InboundAuthor {
  /** A Bluesky DID, a Mastodon account id, a pushing system's author key. */
  externalId: string;
  handle: string;
  displayName: string | null;
  avatarUrl: string | null;
  profileUrl: string | null;
}

/** A record on the network that a reply must point at (Bluesky needs the CID too). */
export interface InboundRef {
  id: string;
  cid: string | null;
}

export interface InboundItem {
  network: InboxNetwork;
  kind: Exclude<MessageKind, 'reply_out'>;
  conversationKind: ConversationKind;
  /** What groups it with other items: a thread's root, a direct conversation's id, a ticket id. */
  threadKey: string;
  /** Ids of what it answers that may be a Chorus post (the thread's root, the post it quotes). */
  answers: string[];
  externalId: string;
  externalCid: string | null;
  url: string | null;
  parent: InboundRef | null;
  root: InboundRef | null;
  author: InboundAuthor;
  text: string;
  /** When the network says it was written (ISO 8601). */
  sentAt: string;
}

/** What one read of a channel's stream stored. */
export interface InboundCounts {
  stored: number;
  skipped: number;
  filtered: number;
}

/** The position of one stream of a channel's read (inbox_cursors), saved with the items it covers. */
export interface InboundCursor {
  stream: string;
  cursor: string;
}

/** A page of one stream: its items oldest first, and the position it reaches (stored together). */
export interface InboundPage {
  items: InboundItem[];
  cursor: InboundCursor;
}
