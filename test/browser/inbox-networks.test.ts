import { likesInbox, replyRefusal } from '../../contracts/inbox';
import { REPLY_RULES } from '../../contracts/text-rules';
import { DESKTOP, PHONE, screenshot, seriousViolations, useApp } from '../support/browser';
import { seedChannel, seedConversation } from '../support/inbox';

// A conversation on each network the inbox gained (X, LinkedIn, Facebook, Instagram, Threads), at
// phone and desktop size: the reply box counts against that network's limit, and Like is offered
// only where the network's API has one (not Instagram's, not Threads'). Any console error or
// uncaught exception on a page fails the test (useApp).
const { chorus, signedIn } = useApp({ workspace: 'Inbox on every network', members: ['editor'] });

const NETWORKS = ['x', 'linkedin', 'facebook', 'instagram', 'threads'] as const;
/** A reply's limit per network: a comment's where the network's comments have their own (not the post's). */
const REPLY_LIMITS = { x: 280, linkedin: 1250, facebook: 8000, instagram: 300, threads: 500 };
const conversations = new Map<(typeof NETWORKS)[number], string>();
/** An Instagram post by a fan that tags the account: Instagram's API takes no comment there. */
let tagged = '';

beforeAll(async () => {
  const h = chorus.harness();
  const owner = chorus.workspace();
  for (const network of NETWORKS) {
    const channelId = await seedChannel(h, {
      workspaceId: owner.workspaceId,
      createdBy: owner.userId,
      provider: network,
      name: `Brand on ${network}`,
    });
    const seeded = await seedConversation(h, {
      workspaceId: owner.workspaceId,
      channelId,
      network,
      handle: `fan-of-${network}`,
      displayName: `Fan on ${network}`,
      messages: [{ text: `Where do I find the spring menu? (${network})` }],
    });
    conversations.set(network, seeded.id);
    if (network === 'instagram')
      tagged = (
        await seedConversation(h, {
          workspaceId: owner.workspaceId,
          channelId,
          network,
          handle: 'tagging-fan',
          displayName: 'Tagging fan',
          messages: [{ text: 'Best flat white in town', kind: 'mention' }],
        })
      ).id;
  }
});

test('an Instagram post the account was tagged in shows why there is no reply box instead of one', async () => {
  const p = await signedIn(chorus.member('editor'), DESKTOP);
  await p.goto(`/inbox/${tagged}`);
  await p.getByText('Best flat white in town').waitFor();
  const why = replyRefusal({ network: 'instagram', kind: 'mention', parentExternalId: null })!;
  await p.getByRole('note').getByText(why).waitFor();
  expect(await p.getByPlaceholder('Write a reply…').count()).toBe(0);
  expect(await seriousViolations(p)).toEqual([]);
  // The same member on a comment of the same channel gets the reply box.
  await p.goto(`/inbox/${conversations.get('instagram')}`);
  await p.getByPlaceholder('Write a reply…').waitFor();
  await p.context().close();
});

test.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const)(
  'at %s size, a conversation on each new network counts its reply its own way and offers Like only where the network has one',
  async (size, viewport) => {
    const p = await signedIn(chorus.member('editor'), viewport);
    for (const network of NETWORKS) {
      await p.goto(`/inbox/${conversations.get(network)}`);
      await p.getByText(`Where do I find the spring menu? (${network})`).waitFor();
      await p.getByPlaceholder('Write a reply…').fill('On our site');
      await p.getByText(`${REPLY_RULES[network].length('On our site')} / ${REPLY_LIMITS[network]}`).waitFor();
      const like = p.getByRole('button', { name: `Like the message by Fan on ${network}` });
      expect(await like.count()).toBe(likesInbox(network) ? 1 : 0);
      expect(await seriousViolations(p)).toEqual([]);
      await screenshot(p, `inbox-${network}-${size}`);
    }
    await p.context().close();
  },
);
