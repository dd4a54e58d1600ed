/** One item as a source (firehose, feed, Mastodon, push) hands it to listening, before matching. */
export interface SourceItem {
  /** The item's id at its source: the same item seen twice is stored once. */
  sourceId: string;
  text: string;
  author: string;
  lang?: string;
  links: string[];
  postedAt: Date;
  url: string | null;
  /** The source says the account is automated (Mastodon's `bot` flag). */
  bot?: boolean;
}
