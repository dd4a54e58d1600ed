import { randomUUID } from 'node:crypto';
import type { CampaignActivities } from '../../activities/campaign';
import type { createPublishingActivities } from '../../activities/publishing';
import { waitFor } from '../support/harness';
import { campaignWorkflowId, pauseCampaignUpdate, resumeCampaignUpdate } from '../../contracts/campaign';
import { postStatusQuery, postWorkflowId, type PostWorkflowInput } from '../../contracts/post';
import { runCampaign } from '../../workflows/campaign';
import { publishPost } from '../../workflows/post-publishing';
import { recorder, startFastEnv, type Calls, type FastEnv } from './fast-env';

/** The fast tier (see fast-env.ts): the real runCampaign and publishPost workflows against mocked activities. */
type Activities = CampaignActivities & ReturnType<typeof createPublishingActivities>;

let fast: FastEnv;
const calls: Calls = [];
const record = recorder(calls);
const campaignId = randomUUID();
const workspaceId = randomUUID();
const missed = randomUUID(); // its time passes during the pause: the resume rule moves it
const kept = randomUUID(); // its time is still ahead: released as it was
const hourFromNow = new Date(Date.now() + 3_600_000).toISOString();
const movedTo = new Date(Date.now() + 7_200_000).toISOString();

beforeAll(async () => {
  const activities: Partial<Activities> = {
    confirmPostStored: async () => undefined,
    markPostStatus: record('markPostStatus', true),
    savePostSchedule: record('savePostSchedule', true),
    markCampaignStatus: record('markCampaignStatus', undefined),
    pendingCampaignPosts: async () => [missed, kept].map((postId) => ({ postId, workflowId: postWorkflowId(postId) })),
    planResume: record('planResume', [
      { workflowId: postWorkflowId(missed), publishAt: movedTo },
      { workflowId: postWorkflowId(kept) },
    ]),
  };
  fast = await startFastEnv(activities);
}, 120_000);

afterAll(async () => {
  await fast?.stop();
});

const named = (name: string, postId?: string) =>
  calls.filter((c) => c.name === name && (!postId || (c.args as { postId?: string }).postId === postId));

test('pausing a live campaign holds its posts; resuming releases them, moving those its resume rule moves', async () => {
  const client = fast.env.client;
  const posts = await Promise.all(
    [missed, kept].map((postId) => {
      const post: PostWorkflowInput = {
        postId,
        workspaceId,
        campaignId,
        publishAt: hourFromNow,
        targets: [{ targetId: randomUUID(), channelId: randomUUID(), provider: 'webhook' }],
      };
      return client.workflow.start(publishPost, {
        taskQueue: fast.taskQueue,
        workflowId: postWorkflowId(postId),
        args: [post],
      });
    }),
  );
  const campaign = await client.workflow.start(runCampaign, {
    taskQueue: fast.taskQueue,
    workflowId: campaignWorkflowId(campaignId),
    args: [
      {
        campaignId,
        workspaceId,
        ownerId: 'owner',
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 86_400_000).toISOString(),
        // Live already (its first post went out), as continue-as-new carries it.
        carried: { status: 'live', published: true, pausedAt: null, resumeFrom: 'live' },
      },
    ],
  });

  const paused = await campaign.executeUpdate(pauseCampaignUpdate, { args: [{ actorId: 'owner' }] });
  expect(paused.status).toBe('paused');
  for (const post of posts)
    await waitFor('the post to be held', async () => (await post.query(postStatusQuery)).status === 'held', 10_000, 20);

  const resumed = await campaign.executeUpdate(resumeCampaignUpdate, { args: [{ actorId: 'owner' }] });
  expect(resumed).toMatchObject({ status: 'live', pausedAt: null });
  // The rule is asked about the pause just ended.
  expect(named('planResume')).toEqual([
    { name: 'planResume', args: { campaignId, pausedAt: paused.pausedAt, resumedAt: expect.any(String) } },
  ]);
  await waitFor(
    'both posts to be released',
    async () =>
      (await Promise.all(posts.map((post) => post.query(postStatusQuery)))).every((s) => s.status === 'scheduled'),
    10_000,
    20,
  );
  // The missed post publishes at the time the rule gave it; the other keeps its own.
  expect((await posts[0]!.query(postStatusQuery)).publishAt).toBe(movedTo);
  expect(named('savePostSchedule', missed).map((c) => c.args)).toEqual([{ postId: missed, publishAt: movedTo }]);
  expect((await posts[1]!.query(postStatusQuery)).publishAt).toBe(hourFromNow);
  expect(named('savePostSchedule', kept)).toEqual([]);
  // The query shows the status as the workflow sets it, a moment before its activity saves it.
  const keptStatuses = () => named('markPostStatus', kept).map((c) => (c.args as { status: string }).status);
  await waitFor('the kept post saved as scheduled again', async () => keptStatuses().length >= 2, 10_000, 20);
  expect(keptStatuses()).toEqual(['held', 'scheduled']);
  expect(named('markCampaignStatus').map((c) => (c.args as { status: string }).status)).toEqual(['paused', 'live']);

  await Promise.all([...posts, campaign].map((handle) => handle.terminate('test over')));
});
