import { CancellationScope, condition } from '@temporalio/workflow';
import { announcePublishStage, markPostStatus, markPostStatusLocally } from './activities';
import type { PostState } from './state';
import { publishOneWhenDue } from './targets';

/** When staged publishes were all withdrawn but the post looks unchanged, how long before staging again. */
const RESTAGE_AFTER_MS = 60_000;

/**
 * Hands every target to a worker that publishes it at `publishAt`. Until the worker claims the
 * post (shortly before its time), cancel, reschedule, edit and hold still work: each saves its
 * change only if the post is unclaimed, and then the staged publishes are called off. True when
 * the post went out (each target published or failed), false when it was withdrawn.
 */
export async function publishWhenDue(post: PostState): Promise<boolean> {
  const stagedAt = post.publishAt;
  const changed = () => post.status !== 'scheduled' || post.publishAt !== stagedAt;
  let holdTried = false;
  // Only publishes of this staging may claim the post; any change that calls them off moves it on.
  const stage = await announcePublishStage({ postId: post.postId });
  post.staged = true;
  post.describe('staged');
  const scope = new CancellationScope();
  const outcomes = scope.run(() =>
    Promise.all(
      post.targets.map((target) => {
        const own = new CancellationScope();
        post.targetScopes.set(target.targetId, own);
        return own.run(() =>
          publishOneWhenDue(post.postId, target, stagedAt, stage, post.reconnects, (channelId, seen, ms) =>
            post.reconnected(channelId, seen, ms),
          ),
        );
      }),
    ),
  );
  try {
    for (;;) {
      const settled = await Promise.race([
        outcomes.then(() => true),
        condition(() => changed() || (post.held && !holdTried)).then(() => false),
      ]);
      if (settled) break;
      if (changed()) {
        if (post.retriesCancelled) break; // the sends still on the network finish
        scope.cancel();
        break;
      }
      // A campaign pause: the post stays unpublished if it is not claimed yet (nor changed since).
      holdTried = true;
      await post.oneAtATime(async () => {
        if (changed()) return;
        if (await markPostStatus({ postId: post.postId, status: 'held', onlyFrom: 'scheduled' })) {
          post.setStatus('held');
          post.describe();
        }
      });
    }
    const claimed = (await outcomes).some((outcome) => outcome === 'claimed');
    if (post.retriesCancelled) {
      // Cancelled during retries: what a send on the network at that moment did is what happened.
      for (const t of post.targets) if (t.status !== 'published' && t.status !== 'failed') t.status = 'cancelled';
      const published = post.targets.filter((t) => t.status === 'published').length;
      if (published > 0) {
        post.setStatus(published === post.targets.length ? 'published' : 'partially_published');
        post.describe();
        await markPostStatusLocally({ postId: post.postId, status: post.status });
      }
      await post.reportToCampaign();
      return false;
    }
    if (claimed) {
      post.setStatus('publishing'); // at once: a change waiting its turn must find the post publishing
    } else if (!changed()) {
      // Withdrawn by a change this workflow has not applied yet: give its handler time.
      await condition(changed, RESTAGE_AFTER_MS);
    }
    return claimed;
  } finally {
    post.staged = false;
  }
}
