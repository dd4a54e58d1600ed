import { Tab, TabGroup, TabList, TabPanel, TabPanels } from '@headlessui/react';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { Link } from 'react-router';
import { api, data, type Ok } from '../api/client';
import { LIVE_REFETCH_MS } from '../app/live';
import { formatDateTime } from '../app/format';
import { useSession } from '../app/session';
import { ApprovalChainPanel, mayDecide, type ApprovalChain } from '../components/ApprovalChainPanel';
import { ProblemMessage } from '../components/ProblemMessage';
import { RefreshProblem } from '../components/RefreshProblem';
import { Screen } from '../components/Screen';
import { StatusBadge } from '../components/StatusBadge';
import { TextDiff } from '../components/TextDiff';
import './approvals.css';

type Post = Ok<'/v1/approvals', 'get'>['posts'][number];
type Campaign = Ok<'/v1/campaigns', 'get'>['campaigns'][number];
type LibraryItem = Ok<'/v1/library', 'get'>['items'][number];
type Channel = Ok<'/v1/channels', 'get'>['channels'][number];

/** Pending posts, and the ones that left the list while the screen was open (decided), with their status now. */
interface PendingPosts {
  pending: Post[];
  decided: Post[];
}

const live = { refetchInterval: LIVE_REFETCH_MS } as const;

function usePendingPosts(mine: boolean) {
  const queryClient = useQueryClient();
  const key = ['approvals', 'posts', mine ? 'mine' : 'all'] as const;
  return useQuery({
    queryKey: key,
    ...live,
    queryFn: async (): Promise<PendingPosts> => {
      const { posts } = await data(
        api.GET('/v1/approvals', { params: { query: { state: 'pending', mine: mine ? 'true' : 'false' } } }),
      );
      const before = queryClient.getQueryData<PendingPosts>(key);
      const ids = new Set(posts.map((p) => p.id));
      const left = [...(before?.pending ?? []), ...(before?.decided ?? [])].filter((p) => !ids.has(p.id));
      const unique = [...new Map(left.map((p) => [p.id, p])).values()].slice(0, 10);
      const decided = await Promise.all(
        unique.map((p) => data(api.GET('/v1/posts/{id}', { params: { path: { id: p.id } } })).catch(() => p)),
      );
      return { pending: posts, decided };
    },
  });
}

/** Campaign plans and library items in review, each with its chain (to know whose turn it is). */
function useOtherReviews() {
  const campaigns = useQuery({
    queryKey: ['approvals', 'campaigns'],
    ...live,
    queryFn: () => data(api.GET('/v1/campaigns', { params: { query: { status: 'in_review' } } })),
  });
  const library = useQuery({
    queryKey: ['approvals', 'library'],
    ...live,
    queryFn: () => data(api.GET('/v1/library', { params: { query: {} } })),
  });
  const waitingItems = (library.data?.items ?? []).filter((i) => i.status === 'awaiting_approval');
  const campaignChains = useQueries({
    queries: (campaigns.data?.campaigns ?? []).map((c) => ({
      queryKey: ['approval', 'campaign', c.id],
      ...live,
      queryFn: () => data(api.GET('/v1/campaigns/{id}/approval', { params: { path: { id: c.id } } })),
    })),
  });
  const itemChains = useQueries({
    queries: waitingItems.map((i) => ({
      queryKey: ['approval', 'library', i.id],
      ...live,
      queryFn: () => data(api.GET('/v1/library/{id}/approval', { params: { path: { id: i.id } } })),
    })),
  });
  return {
    // A first load that failed; a refresh that fails keeps what is listed (and a decision being written).
    error: campaigns.isLoadingError ? campaigns.error : library.isLoadingError ? library.error : null,
    queries: [campaigns, library],
    /** Both lists loaded, and the chains of what they list (whose turn it is decides the counts). */
    loaded:
      campaigns.data !== undefined &&
      library.data !== undefined &&
      [...campaignChains, ...itemChains].every((chain) => chain.data !== undefined),
    retry: () => void Promise.all([campaigns.refetch(), library.refetch()]),
    campaigns: (campaigns.data?.campaigns ?? []).map((c, i) => ({ campaign: c, chain: campaignChains[i]?.data })),
    items: waitingItems.map((item, i) => ({ item, chain: itemChains[i]?.data })),
  };
}

export default function Approvals() {
  const { session } = useSession();
  const me = session.user.id;
  const mine = usePendingPosts(true);
  const all = usePendingPosts(false);
  const expired = useQuery({
    queryKey: ['approvals', 'posts', 'expired'],
    ...live,
    queryFn: () => data(api.GET('/v1/approvals', { params: { query: { state: 'expired', mine: 'false' } } })),
  });
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => data(api.GET('/v1/channels')) });
  const others = useOtherReviews();
  const channelName = (id: string) => channels.data?.channels.find((c: Channel) => c.id === id)?.name ?? 'a channel';

  const myCampaigns = others.campaigns.filter(
    (c) => c.chain && mayDecide(c.chain, { kind: 'campaign', id: c.campaign.id, ownerId: c.campaign.ownerId }, me),
  );
  const myItems = others.items.filter(
    (i) => i.chain && mayDecide(i.chain, { kind: 'library', id: i.item.id, ownerId: i.item.ownerId }, me),
  );
  // Counted once loaded: a count of 0 while loading (or after a failed load) reads as "nothing waits".
  const loaded = others.loaded;
  const mineCount = mine.data && loaded ? mine.data.pending.length + myCampaigns.length + myItems.length : '…';
  const allCount = all.data && loaded ? all.data.pending.length + others.campaigns.length + others.items.length : '…';

  return (
    <Screen title="Approvals">
      <TabGroup className="approval-tabs">
        <TabList className="tab-list" aria-label="Which approvals">
          <Tab className="tab">Waiting for me ({mineCount})</Tab>
          <Tab className="tab">All pending ({allCount})</Tab>
          <Tab className="tab">Expired ({expired.data?.posts.length ?? '…'})</Tab>
        </TabList>
        <TabPanels>
          <TabPanel className="tab-panel">
            <Inbox
              posts={mine}
              campaigns={myCampaigns}
              items={myItems}
              others={others}
              channelName={channelName}
              empty="Nothing waits for your decision."
            />
          </TabPanel>
          <TabPanel className="tab-panel">
            <Inbox
              posts={all}
              campaigns={others.campaigns}
              items={others.items}
              others={others}
              channelName={channelName}
              empty="Nothing is waiting for approval."
            />
          </TabPanel>
          <TabPanel className="tab-panel">
            {expired.error ? (
              <ProblemMessage error={expired.error} onRetry={() => void expired.refetch()} />
            ) : expired.isPending ? (
              <p className="loading">Loading…</p>
            ) : expired.data.posts.length === 0 ? (
              <p>No post expired before its approval.</p>
            ) : (
              <ul className="approval-list" aria-label="Expired posts">
                {expired.data.posts.map((post) => (
                  <li key={post.id} className="card">
                    <p className="post-text">{post.text}</p>
                    <p className="muted">
                      <StatusBadge status={post.status} /> was due {formatDateTime(post.publishAt)} on{' '}
                      {post.targets.map((t) => channelName(t.channelId)).join(', ')} ·{' '}
                      <Link to={`/posts/${post.id}`}>Open post</Link>
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </TabPanel>
        </TabPanels>
      </TabGroup>
    </Screen>
  );
}

function Inbox({
  posts,
  campaigns,
  items,
  others,
  channelName,
  empty,
}: {
  posts: ReturnType<typeof usePendingPosts>;
  campaigns: { campaign: Campaign; chain?: ApprovalChain }[];
  items: { item: LibraryItem; chain?: ApprovalChain }[];
  others: ReturnType<typeof useOtherReviews>;
  channelName: (id: string) => string;
  empty: string;
}) {
  if (posts.isPending) return <p className="loading">Loading…</p>;
  if (posts.isLoadingError) return <ProblemMessage error={posts.error} onRetry={() => void posts.refetch()} />;
  if (others.error) return <ProblemMessage error={others.error} onRetry={others.retry} />;
  const nothing = posts.data.pending.length === 0 && campaigns.length === 0 && items.length === 0;
  return (
    <div className="inbox">
      <RefreshProblem queries={[posts, ...others.queries]} />
      {nothing && <p>{empty}</p>}
      {posts.data.pending.length > 0 && (
        <section aria-label="Posts">
          <h2>Posts</h2>
          <ul className="approval-list">
            {posts.data.pending.map((post) => (
              <li key={post.id}>
                <PostCard post={post} channelName={channelName} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {campaigns.length > 0 && (
        <section aria-label="Campaign plans">
          <h2>Campaign plans</h2>
          <ul className="approval-list">
            {campaigns.map(({ campaign, chain }) => (
              <li key={campaign.id}>
                <ReviewCard
                  title={campaign.name}
                  kind="Campaign"
                  link={`/campaigns/${campaign.id}`}
                  chain={chain}
                  subject={{ kind: 'campaign', id: campaign.id, ownerId: campaign.ownerId }}
                >
                  <p className="muted">
                    {formatDateTime(campaign.startsAt)} – {formatDateTime(campaign.endsAt)} ·{' '}
                    {campaign.channelIds.map(channelName).join(', ')}
                  </p>
                  {campaign.objective && <p>{campaign.objective}</p>}
                </ReviewCard>
              </li>
            ))}
          </ul>
        </section>
      )}
      {items.length > 0 && (
        <section aria-label="Library items">
          <h2>Library items</h2>
          <ul className="approval-list">
            {items.map(({ item, chain }) => (
              <li key={item.id}>
                <ReviewCard
                  title={item.name}
                  kind={`Library ${item.kind}`}
                  link="/library"
                  chain={chain}
                  subject={{ kind: 'library', id: item.id, ownerId: item.ownerId }}
                >
                  {item.body && <p className="post-text">{item.body}</p>}
                  {item.expiresAt && <p className="muted">Expires {formatDateTime(item.expiresAt)}</p>}
                </ReviewCard>
              </li>
            ))}
          </ul>
        </section>
      )}
      {posts.data.decided.length > 0 && (
        <section aria-label="Decided while you were here">
          <h2>Decided while you were here</h2>
          <ul className="approval-list">
            {posts.data.decided.map((post) => (
              <li key={post.id} className="card" aria-label={`Post: ${excerpt(post.text)}`}>
                <p className="post-text">{post.text}</p>
                <p>
                  <StatusBadge status={post.status} /> · <Link to={`/posts/${post.id}`}>Open post</Link>
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

const excerpt = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);

function PostCard({ post, channelName }: { post: Post; channelName: (id: string) => string }) {
  const titleId = useId();
  const chain = useQuery({
    queryKey: ['approval', 'post', post.id],
    ...live,
    queryFn: () => data(api.GET('/v1/posts/{id}/approval', { params: { path: { id: post.id } } })),
  });
  return (
    <article className="card approval-card" aria-labelledby={titleId}>
      <h3 id={titleId} className="card-title">
        <span className="kind">Post</span> {excerpt(post.text)}
      </h3>
      <p className="muted">
        <StatusBadge status={post.status} /> · {formatDateTime(post.publishAt)} on{' '}
        {post.targets.map((t) => channelName(t.channelId)).join(', ')} · <Link to={`/posts/${post.id}`}>Open post</Link>
      </p>
      {chain.data?.previousRound ? (
        <div>
          <h4>Changes since round {chain.data.previousRound.round + 1}</h4>
          <TextDiff
            before={chain.data.previousRound.text}
            after={chain.data.text}
            label={`Changes since round ${chain.data.previousRound.round + 1}`}
          />
        </div>
      ) : (
        <p className="post-text">{post.text}</p>
      )}
      {chain.error ? (
        <ProblemMessage error={chain.error} onRetry={() => void chain.refetch()} />
      ) : chain.data ? (
        <ApprovalChainPanel chain={chain.data} subject={{ kind: 'post', id: post.id, ownerId: post.authorId }} />
      ) : (
        <p className="loading">Loading the chain…</p>
      )}
    </article>
  );
}

function ReviewCard({
  title,
  kind,
  link,
  chain,
  subject,
  children,
}: {
  title: string;
  kind: string;
  link: string;
  chain?: ApprovalChain;
  subject: Parameters<typeof ApprovalChainPanel>[0]['subject'];
  children: React.ReactNode;
}) {
  const titleId = useId();
  return (
    <article className="card approval-card" aria-labelledby={titleId}>
      <h3 id={titleId} className="card-title">
        <span className="kind">{kind}</span> <Link to={link}>{title}</Link>
      </h3>
      {children}
      {chain ? <ApprovalChainPanel chain={chain} subject={subject} /> : <p className="loading">Loading the chain…</p>}
    </article>
  );
}
