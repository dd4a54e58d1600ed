import { metricsWorkflowId, stopMetricsSignal } from '../contracts/analytics';
import { scaledOffsets } from '../activities/metrics';
import { dueSnapshots } from '../db/metrics';
import { connectChannel } from './support/channels';
import { useChorus } from './support/chorus';
import { waitFor } from './support/harness';
import { startMastodonFake, type MastodonFake } from './support/mastodon-fake';
import { createdPost } from './support/posts';

// 7200: the collector's +1h comes half a second after publishing, +6h at 3 s, +24h at 12 s; its
// daily followers read every 12 s.
const {
  harness: h,
  workspace: ws,
  call,
} = useChorus({
  workspace: 'Analytics',
  harness: { metricsTimeScale: 7200 },
  beforeClose: async (chorus) => {
    await chorus
      .harness()
      .client.workflow.getHandle(metricsWorkflowId(chorus.workspace().workspaceId))
      .signal(stopMetricsSignal)
      .catch(() => undefined);
  },
});

let fake: MastodonFake;
let mastodonId: string;

beforeAll(async () => {
  fake = await startMastodonFake();
  fake.followers = 40;
  mastodonId = (
    await connectChannel(h(), ws().token, {
      provider: 'mastodon',
      name: 'Chorus on Mastodon',
      credentials: { instance: fake.url, accessToken: fake.token },
    })
  ).id;
});
afterAll(async () => {
  await fake?.close();
});

const published = (id: string) =>
  waitFor(
    'the post published',
    async () => {
      const p = (await call(ws().token, 'GET', `/v1/posts/${id}`)).json();
      return p.status === 'published' && p;
    },
    60_000,
  );

const snapshots = (targetId: string) =>
  h().db.selectFrom('metric_snapshots').selectAll().where('target_id', '=', targetId).orderBy('taken_at').execute();

test('Mastodon: favourites, boosts and replies read per snapshot; a deleted status is marked deleted, not zero', async () => {
  const post = await published(
    (await createdPost(call, ws().token, { text: 'Counting on Mastodon', channelIds: [mastodonId] })).id,
  );
  const target = post.targets[0];
  const first = await waitFor('the +1h snapshot', async () => (await snapshots(target.id))[0]);
  expect(first).toMatchObject({ offset_label: '+1h', status: 'ok', likes: 0, reposts: 0, replies: 0, quotes: null });
  Object.assign(fake.status(target.externalId)!, { favourites_count: 7, reblogs_count: 3, replies_count: 2 });
  const sixHours = await waitFor('the +6h snapshot', async () =>
    (await snapshots(target.id)).find((s) => s.offset_label === '+6h'),
  );
  expect(sixHours).toMatchObject({ status: 'ok', likes: 7, reposts: 3, replies: 2, quotes: null });
  const audience = await h()
    .db.selectFrom('audience_snapshots')
    .selectAll()
    .where('channel_id', '=', mastodonId)
    .execute();
  expect(audience[0]?.followers).toBe(40);

  // Deleted on the instance (by its author, outside Chorus): the next snapshot says so, with no
  // counts, and the later offsets are not read any more.
  const deleted = await fetch(`${fake.url}/api/v1/statuses/${target.externalId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${fake.token}` },
  });
  expect(deleted.status).toBe(200);
  const marked = await waitFor('the deleted snapshot', async () =>
    (await snapshots(target.id)).find((s) => s.status === 'deleted'),
  );
  expect(marked).toMatchObject({ likes: null, reposts: null, replies: null, quotes: null });
  const later = await dueSnapshots(h().db, {
    workspaceId: ws().workspaceId,
    offsets: scaledOffsets(7200),
    now: new Date(Date.now() + 86_400_000),
    limit: 100,
  });
  expect(later.flatMap((c) => c.targets).map((t) => t.targetId)).not.toContain(target.id);
});
