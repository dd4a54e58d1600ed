import { MENTIONS_STREAM, MastodonInboxReader } from '../channels/inbox-mastodon';
import type { InboundPage } from '../contracts/inbox-inbound';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';

// A Mastodon mention's thread is its root status. The reader asks the instance for a reply's
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
