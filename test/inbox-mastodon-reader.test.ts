import { CONVERSATIONS_STREAM, MENTIONS_STREAM, MastodonInboxReader } from '../channels/inbox-mastodon';
import type { InboundPage } from '../contracts/inbox-inbound';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';

// The Mastodon inbox reader against the fake. A mention's thread is its root status. The reader asks the instance for a reply's
// context only when the status it answers is not of a thread it has placed already: the instance's
// rate limit (300 calls in 5 minutes) and the read's time go to what is new.
let fake: MastodonFake;
beforeAll(async () => {
  fake = await startMastodonFake();
});
afterAll(() => fake?.close());

test('replies take their thread from statuses already placed: one context call per thread not seen before', async () => {
  const credentials = { instance: fake.url, accessToken: fake.token };
  const reader = new MastodonInboxReader();
  const brand = fake.post({ text: 'Our spring menu is out', acct: 'chorus' });
  const question = fake.post({ text: '@chorus is it vegan?', acct: 'ann' });
  const followUp = fake.post({ text: '@chorus and gluten free?', acct: 'ann', inReplyTo: question });
  const onBrand = fake.post({ text: '@chorus love it', acct: 'bob', inReplyTo: brand });
  const onReply = fake.post({ text: '@chorus me too', acct: 'cy', inReplyTo: onBrand });
  const alsoOnBrand = fake.post({ text: '@chorus when is it on?', acct: 'dee', inReplyTo: brand });
  const contextCalls = () => fake.requests.filter((r) => r.path.endsWith('/context')).length;

  const pages: InboundPage[] = [];
  await reader.read(credentials, { [MENTIONS_STREAM]: '0' }, async (page) => void pages.push(page));
  const threadOf = new Map(pages.flatMap((p) => p.items).map((item) => [item.externalId, item.threadKey]));
  expect(Object.fromEntries(threadOf)).toEqual({
    [question.id]: question.id,
    [followUp.id]: question.id,
    [onBrand.id]: brand.id,
    [onReply.id]: brand.id,
    [alsoOnBrand.id]: brand.id,
  });
  // Only the first reply to the brand's post needed its context; the question was placed in the same page.
  expect(contextCalls()).toBe(1);

  // A later read: a reply to a status placed then needs no call either.
  const later = fake.post({ text: '@chorus any news?', acct: 'eve', inReplyTo: alsoOnBrand });
  const position = pages.filter((p) => p.cursor.stream === MENTIONS_STREAM).at(-1)!.cursor.cursor;
  const next: InboundPage[] = [];
  await reader.read(credentials, { [MENTIONS_STREAM]: position }, async (page) => void next.push(page));
  expect(next.flatMap((p) => p.items).map((item) => [item.externalId, item.threadKey])).toEqual([[later.id, brand.id]]);
  expect(contextCalls()).toBe(1);

  // A reader that has placed nothing (another worker, a restart) asks, and finds the same thread.
  const fresh: InboundPage[] = [];
  await new MastodonInboxReader().read(
    credentials,
    { [MENTIONS_STREAM]: position },
    async (page) => void fresh.push(page),
  );
  expect(fresh.flatMap((p) => p.items).map((item) => item.threadKey)).toEqual([brand.id]);
  expect(contextCalls()).toBe(2);
});

// A read pages forwards through new mentions while each page is full, and stops at the first short
// one: that was the newest when asked. Under a steady stream it used to go on asking, one small page
// (and one transaction) at a time, while the direct conversations, read after the mentions, waited.
test('a read of mentions stops at the first page short of the limit, then reads the direct conversations', async () => {
  const credentials = { instance: fake.url, accessToken: fake.token };
  const reader = new MastodonInboxReader();
  const first: InboundPage[] = [];
  await reader.read(credentials, {}, async (page) => void first.push(page));
  const saved = () =>
    Object.fromEntries(
      [MENTIONS_STREAM, CONVERSATIONS_STREAM].map((stream) => [
        stream,
        [...first, ...pages].filter((p) => p.cursor.stream === stream).at(-1)!.cursor.cursor,
      ]),
    );
  const pages: InboundPage[] = [];
  const mentionRequests = () => fake.requests.filter((r) => r.path.startsWith('/api/v1/notifications')).length;

  // 85 new mentions: a full page of 80, then a short one of 5; nothing more is asked.
  for (let i = 0; i < 85; i++) fake.post({ text: `@chorus question ${i}`, acct: `asker${i}` });
  let before = mentionRequests();
  // What arrives while the read stores its short page waits for the next read.
  let late: string | undefined;
  await reader.read(credentials, saved(), async (page) => {
    pages.push(page);
    if (page.items.length < 80) late ??= fake.post({ text: '@chorus one more', acct: 'late' }).id;
  });
  expect(mentionRequests() - before).toBe(2);
  expect(pages.filter((p) => p.cursor.stream === MENTIONS_STREAM).map((p) => p.items.length)).toEqual([80, 5]);
  expect(
    pages.some((p) => p.cursor.stream === CONVERSATIONS_STREAM || p.items.some((i) => i.externalId === late)),
  ).toBe(false);

  // The next read starts from there and finds the late one (and a direct message) at once.
  const direct = fake.post({ text: '@chorus private question', acct: 'dee', visibility: 'direct' });
  before = mentionRequests();
  const next: InboundPage[] = [];
  await reader.read(credentials, saved(), async (page) => void next.push(page));
  expect(mentionRequests() - before).toBe(1);
  expect(next.flatMap((p) => p.items.map((i) => i.externalId))).toEqual([late, direct.id]);
});
