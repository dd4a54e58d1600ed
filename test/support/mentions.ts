import type { Chorus } from './chorus';

/** A mention as GET /v1/mentions lists it: the fields tests read. */
export interface ListedMention {
  id: string;
  text: string;
  author: string;
  source: string;
  sourceId: string;
  url: string;
  sentiment: { label: string; score: number };
  lead: boolean;
}

/** A query's mentions (up to 1,000), as the API lists them to `token`'s holder. */
export async function listMentions(call: Chorus['call'], token: string, queryId: string): Promise<ListedMention[]> {
  return (await call(token, 'GET', `/v1/mentions?queryId=${queryId}&limit=1000`)).json().mentions;
}
