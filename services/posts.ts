import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { MediaFacts } from '../channels/adapter';
import type { ChannelAdapters } from '../channels/registry';
import { addUtm } from '../content/utm';
import { SHORT_LINK_CODE_PLACEHOLDER, shortUrl, withShortLinks } from '../content/short-links';
import { nextFreeSlot } from '../content/queue-slots';
import { chainFor, resolveSteps, unsatisfiableSteps, type PolicyChain } from '../db/approvals';
import { appendAudit } from '../db/audit';
import { findCampaign, type CampaignView } from '../db/campaigns';
import { findChannels } from '../db/channels';
import { peopleByIds } from '../db/users';
import { findLibraryItem, findMediaAssets, listLibraryItems } from '../db/library';
import { insertPost, takenSlots } from '../db/posts';
import { renderTemplate } from '../content/templates';
import type { Db } from '../db/database';
import type { Channel } from '../db/channels';
import type { PostStatus } from '../db/posts.types';
import type { ApprovalStep } from '../contracts/approval';
import type { Caller } from '../db/tokens';
import { Invalid, invalidField, invalidFields, type FieldError as FieldProblem } from '../contracts/errors';
import { beyondHorizon } from '../content/publish-horizon';
import { checkDailyPublishingLimits } from './publishing-limits';
import { storeAndStart } from './store-and-start';
import { excerptOf, postWorkflowId, type PostWorkflowInput } from '../contracts/post';
import type { publishPost } from '../workflows/post-publishing';
import { DEFAULT_APP_URL, SearchAttributes } from '../contracts/shared';

/** What creating a post needs: the API has all of it, and so does the import activity. */
export interface PostCreationContext {
  db: Db;
  temporal: Client;
  adapters: ChannelAdapters;
  taskQueue: string;
  /** Where the web app and its short links are served (CHORUS_APP_URL): previews show a campaign's links on it. */
  appUrl?: string;
}

export interface NewPostRequest {
  /** Optional when the post is made from a library item: the item's text is used. */
  text?: string;
  channelIds: string[];
  variants?: Record<string, string>;
  publishAt?: string;
  queue?: boolean;
  campaignId?: string;
  /** Make the post from a snippet or template of the content library. */
  libraryItemId?: string;
  /** Values for the template's {{variables}}. */
  variables?: Record<string, string>;
  /** Media to attach, in order, each with its alt text: uploaded (POST /v1/media) or a library media item. */
  media?: (({ mediaId: string; libraryItemId?: undefined } | { libraryItemId: string; mediaId?: undefined }) & {
    alt?: string;
  })[];
}

/** A post that passed every check, ready to store and start. */
export interface PlannedPost {
  input: PostWorkflowInput;
  text: string;
  status: PostStatus;
  channels: Channel[];
  targets: { id: string; channel: Channel; text: string; idempotencyKey: string }[];
  stepNames: string[];
  /** The approval policies the chain comes from (none without a chain). */
  policies?: PolicyChain['policies'];
  authorId: string;
  /** Set when the post is an occurrence of a recurring post. */
  recurrence?: { id: string; occurrence: number };
  /** The library item it was made from; `preApproved` when unchanged from the approved item. */
  libraryItem?: { id: string; preApproved: boolean };
  media: { mediaId: string; alt: string; libraryItemId: string | null }[];
}

/**
 * A UUID derived from a stable key (an import line, a recurrence occurrence), so a retried job
 * finds the post it already made instead of making another.
 */
export function derivedPostId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function mustBeFuture(publishAt: string, field = 'publishAt'): Date {
  const at = new Date(publishAt);
  if (at.getTime() <= Date.now())
    throw invalidField(
      field,
      'future',
      `must be in the future (it is ${publishAt}, now is ${new Date().toISOString()})`,
    );
  const late = beyondHorizon(at, field);
  if (late.length > 0) throw invalidFields(late);
  return at;
}

/** Campaign posts: each channel's text gets the campaign's UTM tags (utm_source per channel). */
export function utmTagger(campaign: CampaignView): ((channel: Channel, text: string) => string) | undefined {
  const utm = campaign.utm;
  if (!utm) return undefined;
  return (channel, text) =>
    addUtm(text, { source: utm.sources?.[channel.id] ?? channel.provider, medium: utm.medium, campaign: utm.campaign });
}

/** One channel's share of a post: the text it would get, and what its network refuses (text and media). */
export interface ChannelReview {
  channelId: string;
  text: string;
  problems: FieldProblem[];
}

/**
 * Reviews what a post would send: every channel in the caller's workspace, variants only for listed
 * channels, each text (after `transform`, e.g. UTM tags) within its network's limits, the media
 * within its rules. Returns the problems that concern no one channel apart from each channel's own.
 */
export async function reviewContent(
  app: Pick<PostCreationContext, 'db' | 'adapters'>,
  workspaceId: string,
  body: {
    text: string;
    channelIds: string[];
    variants?: Record<string, string>;
    media?: { mediaId: string; alt?: string }[];
  },
  transform: (channel: Channel, text: string) => string = (_channel, text) => text,
) {
  const variants = body.variants ?? {};
  const problems: FieldProblem[] = Object.keys(variants)
    .filter((id) => !body.channelIds.includes(id))
    .map((id) => ({
      field: `variants.${id}`,
      rule: 'in_channelIds',
      message: 'is a variant for a channel not listed in channelIds',
    }));
  const channels = await findChannels(app.db, workspaceId, body.channelIds);
  body.channelIds.forEach((id, i) => {
    const channel = channels.find((c) => c.id === id);
    if (!channel)
      problems.push({ field: `channelIds.${i}`, rule: 'exists', message: `no channel ${id} in this workspace` });
    else if (channel.status === 'needs_reconnect')
      // Refused rather than accepted to wait: nothing would tell its author that it will not go out.
      problems.push({
        field: `channelIds.${i}`,
        rule: 'channel_connected',
        message: `channel "${channel.name}" needs reconnecting (${channel.last_error ?? "its network refused Chorus's access"}): an owner or admin reconnects it in Settings → Channels (POST /v1/channels/connect/${channel.provider}), then schedule this post`,
      });
  });
  const requested = body.media ?? [];
  const assets = requested.length
    ? await findMediaAssets(
        app.db,
        workspaceId,
        requested.map((m) => m.mediaId),
      )
    : [];
  const media: MediaFacts[] = [];
  requested.forEach((m, i) => {
    const asset = assets.find((a) => a.id === m.mediaId);
    if (!asset)
      problems.push({
        field: `media.${i}.mediaId`,
        rule: 'exists',
        message: `no media ${m.mediaId} in this workspace (upload it with POST /v1/media)`,
      });
    else
      media.push({
        contentType: asset.content_type,
        bytes: asset.bytes,
        width: asset.width,
        height: asset.height,
        alt: m.alt ?? '',
      });
  });
  const texts: Record<string, string> = {};
  const reviews: ChannelReview[] = [];
  for (const channel of channels) {
    const field = variants[channel.id] !== undefined ? `variants.${channel.id}` : 'text';
    const text = transform(channel, variants[channel.id] ?? body.text);
    texts[channel.id] = text;
    const review: ChannelReview = { channelId: channel.id, text, problems: [] };
    reviews.push(review);
    const adapter = app.adapters[channel.provider];
    for (const message of adapter.validate(text)) {
      review.problems.push({ field, rule: 'channel_limits', message: `${message} (channel "${channel.name}")` });
    }
    if (media.length === requested.length) {
      for (const message of adapter.validateMedia(media))
        review.problems.push({
          field: 'media',
          rule: 'channel_media',
          message: `${message} (channel "${channel.name}")`,
        });
    }
  }
  return { channels, texts, problems, reviews };
}

/**
 * Checks what a post would send (see reviewContent). Throws one problem naming every broken rule;
 * returns the channels and the text each will get.
 */
export async function checkContent(
  app: Pick<PostCreationContext, 'db' | 'adapters'>,
  workspaceId: string,
  body: Parameters<typeof reviewContent>[2],
  transform?: (channel: Channel, text: string) => string,
) {
  const { channels, texts, problems, reviews } = await reviewContent(app, workspaceId, body, transform);
  const all = [...problems, ...reviews.flatMap((r) => r.problems)];
  if (all.length > 0) throw invalidFields(all);
  return { channels, texts };
}

/** Posts still to go out occupy their slot. */
const SLOT_HOLDING_STATUSES = ['awaiting_approval', 'changes_requested', 'scheduled', 'held'] as const;
const CAMPAIGN_RUNNING: string[] = ['scheduled', 'live'];

/** The first queue slot free on every one of the channels (their slots must coincide). */
async function nextSharedSlot(db: Db, channels: Channel[]): Promise<Date> {
  const now = new Date();
  const taken = await takenSlots(
    db,
    channels.map((c) => c.id),
    SLOT_HOLDING_STATUSES,
    now,
  );
  const takenOn = (id: string) => taken.filter((t) => t.channel_id === id).map((t) => t.publish_at);
  const [first, ...others] = channels;
  const horizon = new Date(now.getTime() + 8 * 7 * 24 * 3600_000);
  let after = now;
  for (;;) {
    const candidate = nextFreeSlot(first!.slots, first!.timezone, after, takenOn(first!.id), first!.min_gap_minutes);
    if (!candidate || candidate > horizon) {
      const problem =
        first!.slots.length === 0
          ? `channel "${first!.name}" has no queue slots; set them with PUT /v1/channels/${first!.id}/slots`
          : 'the channels share no free queue slot in the next eight weeks';
      throw invalidField('queue', 'free_slot', problem);
    }
    const freeEverywhere = others.every((c) => {
      const slot = nextFreeSlot(
        c.slots,
        c.timezone,
        new Date(candidate.getTime() - 1),
        takenOn(c.id),
        c.min_gap_minutes,
      );
      return slot?.getTime() === candidate.getTime();
    });
    if (freeEverywhere) return candidate;
    after = candidate;
  }
}

/**
 * Every check a new post must pass — content against each channel, campaign, queue slot,
 * approval chain — without storing anything. Throws Invalid naming each broken rule.
 */
export async function planPost(
  ctx: PostCreationContext,
  caller: Caller,
  request: NewPostRequest,
): Promise<PlannedPost> {
  const fromLibrary = request.libraryItemId ? await libraryText(ctx, caller.workspaceId, request) : undefined;
  const media = await resolveMedia(ctx, caller.workspaceId, request.media ?? []);
  const body = { ...request, text: request.text ?? fromLibrary?.text ?? '', media };
  if (body.text === '') throw invalidField('text', 'required', 'give the text, or a libraryItemId to take it from');
  // All of it from approved, unexpired library items, unchanged, needs no approval again: the text
  // of a snippet or template, and every medium from a media item. Any change or addition does.
  const preApproved =
    fromLibrary !== undefined &&
    body.text === fromLibrary.text &&
    Object.keys(body.variants ?? {}).length === 0 &&
    media.every((m) => m.libraryItemId !== null);
  const requestedAt = body.publishAt ? mustBeFuture(body.publishAt) : undefined;
  const campaign = body.campaignId ? await findCampaign(ctx.db, caller.workspaceId, body.campaignId) : undefined;
  if (body.campaignId && !campaign)
    throw invalidField('campaignId', 'exists', `no campaign ${body.campaignId} in this workspace`);
  if (campaign && ['completed', 'cancelled', 'rejected'].includes(campaign.status))
    throw invalidField('campaignId', 'open', `the campaign is ${campaign.status}`);

  const { channels, texts } = await checkContent(
    ctx,
    caller.workspaceId,
    body,
    campaign ? utmTagger(campaign) : undefined,
  );
  const publishAt = requestedAt ?? (body.queue ? await nextSharedSlot(ctx.db, channels) : new Date());
  await checkDailyPublishingLimits(ctx.db, channels, publishAt, body.queue ? 'queue' : 'publishAt');
  if (campaign?.enforceDates && (publishAt < new Date(campaign.startsAt) || publishAt > new Date(campaign.endsAt))) {
    throw invalidField(
      body.queue ? 'queue' : 'publishAt',
      'within_campaign_dates',
      `${publishAt.toISOString()} is outside the campaign's dates (${campaign.startsAt} to ${campaign.endsAt})`,
    );
  }

  const chain = await approvalChain(
    ctx,
    caller,
    {
      channelIds: body.channelIds,
      texts: [body.text, ...Object.values(body.variants ?? {})],
      campaignId: campaign?.id,
    },
    preApproved,
  );
  if (chain.problems.length > 0) throw invalidFields(chain.problems);
  const steps = chain.steps;
  const approval =
    steps.length > 0 ? { authorId: caller.userId, steps, distinctApprovers: chain.distinctApprovers } : undefined;
  // Named in the workflow's details in the Temporal UI, with the text's first words.
  const people = approval
    ? await peopleByIds(
        ctx.db,
        caller.workspaceId,
        steps.flatMap((s) => [...s.eligibleUserIds, ...(s.escalateToUserIds ?? [])]),
      )
    : undefined;

  const targets = body.channelIds.map((channelId) => {
    const channel = channels.find((c) => c.id === channelId)!;
    const id = randomUUID();
    return {
      id,
      channel,
      text: texts[channelId]!,
      idempotencyKey: ctx.adapters[channel.provider].newIdempotencyKey(id),
    };
  });
  const input: PostWorkflowInput = {
    postId: randomUUID(),
    workspaceId: caller.workspaceId,
    publishAt: publishAt.toISOString(),
    targets: targets.map((t) => ({ targetId: t.id, channelId: t.channel.id, provider: t.channel.provider })),
    ...(approval ? { approval, publishOnApproval: !body.publishAt && !body.queue } : {}),
    ...(campaign ? { campaignId: campaign.id, held: !CAMPAIGN_RUNNING.includes(campaign.status) } : {}),
    excerpt: excerptOf(body.text),
    ...(people
      ? { people: Object.fromEntries([...people.values()].map((p) => [p.id, p.name ?? p.email ?? p.id])) }
      : {}),
  };
  return {
    input,
    text: body.text,
    status: approval ? 'awaiting_approval' : 'scheduled',
    channels,
    targets,
    stepNames: steps.map((st) => st.name),
    policies: chain.policies,
    authorId: caller.userId,
    ...(fromLibrary ? { libraryItem: { id: fromLibrary.itemId, preApproved } } : {}),
    media,
  };
}

/**
 * The approval chain fixed when a post is created, approvers resolved among today's members: the
 * policy's steps, plus a step for each content rule the post matches; none when it is pre-approved.
 * `problems` names each step nobody but the author could decide.
 */
async function approvalChain(
  ctx: Pick<PostCreationContext, 'db'>,
  caller: Caller,
  post: { channelIds: string[]; texts: string[]; campaignId?: string },
  preApproved: boolean,
) {
  const policy: PolicyChain = preApproved
    ? { steps: [], distinctApprovers: true, policies: [] }
    : await chainFor(ctx.db, caller.workspaceId, post);
  const steps = await resolveSteps(ctx.db, caller.workspaceId, policy.steps, caller.userId);
  const problems: FieldProblem[] = unsatisfiableSteps(steps, policy.distinctApprovers, 'you').map((message) => ({
    field: 'channelIds',
    rule: 'approvable',
    message,
  }));
  return { steps, distinctApprovers: policy.distinctApprovers, policies: policy.policies ?? [], problems };
}

/**
 * A channel's text as a campaign with short links on publishes it: each link as `<base>/l/<code>`,
 * the code shown as a placeholder as long as a real one (codes are made at publishing), so the
 * networks' counts on it are exact. Links a short link would push over the limit stay as written.
 */
function previewShortLinks(
  ctx: Pick<PostCreationContext, 'adapters' | 'appUrl'>,
  channels: Channel[],
  review: ChannelReview,
) {
  const channel = channels.find((c) => c.id === review.channelId);
  if (!channel) return null;
  const base = ctx.appUrl ?? DEFAULT_APP_URL;
  return withShortLinks(
    review.text,
    () => shortUrl(base, SHORT_LINK_CODE_PLACEHOLDER),
    (text) => ctx.adapters[channel.provider].validate(text),
  ).text;
}

/** What creating a post would do, stored nowhere (POST /v1/posts/preview). */
export interface PostPreview {
  /** Every broken rule, as creating the post would list them in its 422; empty when it can be created. */
  problems: FieldProblem[];
  /**
   * Each channel's text (variant, template and UTM tags applied) and its network's problems with it;
   * `asPublished`: the text as it will go out when that differs (a campaign's links as short links).
   */
  channels: (ChannelReview & { asPublished: string | null })[];
  /** The chain that would apply (null: it publishes without approval). */
  approval: {
    steps: ApprovalStep[];
    distinctApprovers: boolean;
    policies: NonNullable<PolicyChain['policies']>;
  } | null;
  /** When it would publish (the queue slot resolved); null when that cannot be told yet. */
  publishAt: string | null;
  /** Its status once created: awaiting_approval or scheduled; null when it cannot be created. */
  status: PostStatus | null;
}

/**
 * Plans a post as creating it would, without storing or starting anything: its problems, each
 * channel's text and problems, the approval chain and the publish time. Other rules still name the
 * channels' problems and the chain when one rule fails.
 */
export async function previewPost(
  ctx: PostCreationContext,
  caller: Caller,
  request: NewPostRequest,
): Promise<PostPreview> {
  const valid = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof Invalid) return undefined;
      throw err;
    }
  };
  let plan: PlannedPost | undefined;
  let problems: FieldProblem[] = [];
  try {
    plan = await planPost(ctx, caller, request);
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    problems = err.errors;
  }
  const text =
    request.text ??
    (request.libraryItemId ? (await valid(() => libraryText(ctx, caller.workspaceId, request)))?.text : undefined);
  const campaign = request.campaignId ? await findCampaign(ctx.db, caller.workspaceId, request.campaignId) : undefined;
  const media = await valid(() => resolveMedia(ctx, caller.workspaceId, request.media ?? []));
  const review =
    text !== undefined
      ? await reviewContent(
          ctx,
          caller.workspaceId,
          { ...request, text, media: media ?? [] },
          campaign ? utmTagger(campaign) : undefined,
        )
      : undefined;
  const reviews = (review?.reviews ?? []).map((r) => ({
    ...r,
    asPublished: campaign?.shortLinks ? previewShortLinks(ctx, review!.channels, r) : null,
  }));
  if (plan) {
    const approval = plan.input.approval;
    return {
      problems: [],
      channels: reviews,
      approval: approval
        ? {
            steps: approval.steps,
            distinctApprovers: approval.distinctApprovers ?? true,
            policies: plan.policies ?? [],
          }
        : null,
      publishAt: plan.input.publishOnApproval ? null : plan.input.publishAt,
      status: plan.status,
    };
  }
  const chain = await approvalChain(
    ctx,
    caller,
    {
      channelIds: request.channelIds,
      texts: [text ?? '', ...Object.values(request.variants ?? {})],
      campaignId: campaign?.id,
    },
    false,
  );
  return {
    problems,
    channels: reviews,
    approval:
      chain.steps.length > 0
        ? { steps: chain.steps, distinctApprovers: chain.distinctApprovers, policies: chain.policies }
        : null,
    publishAt: null,
    status: null,
  };
}

/** Each requested medium as a media id: uploaded ones as they are, library media items checked usable. */
async function resolveMedia(
  ctx: Pick<PostCreationContext, 'db'>,
  workspaceId: string,
  requested: NonNullable<NewPostRequest['media']>,
): Promise<PlannedPost['media']> {
  const problems: FieldProblem[] = [];
  const media: PlannedPost['media'] = [];
  const itemIds = requested.flatMap((m) => (m.libraryItemId !== undefined ? [m.libraryItemId] : []));
  const items = itemIds.length ? await listLibraryItems(ctx.db, workspaceId, { ids: itemIds }) : [];
  for (const [i, m] of requested.entries()) {
    if (m.mediaId !== undefined) {
      media.push({ mediaId: m.mediaId, alt: m.alt ?? '', libraryItemId: null });
      continue;
    }
    const field = `media.${i}.libraryItemId`;
    const item = items.find((it) => it.id === m.libraryItemId);
    if (!item)
      problems.push({ field, rule: 'exists', message: `no library item ${m.libraryItemId} in this workspace` });
    else if (item.kind !== 'media' || !item.mediaId)
      problems.push({ field, rule: 'media_item', message: `the item is a ${item.kind}, not a media item` });
    else if (item.status !== 'approved')
      problems.push({ field, rule: 'approved', message: `the item is ${item.status.replace('_', ' ')}` });
    else if (!item.usable)
      problems.push({ field, rule: 'unexpired', message: `the item expired at ${item.expiresAt}` });
    else media.push({ mediaId: item.mediaId, alt: m.alt ?? '', libraryItemId: item.id });
  }
  if (problems.length > 0) throw invalidFields(problems);
  return media;
}

/** The text a library item gives a post: checked usable (approved, unexpired, text) and its template filled. */
async function libraryText(
  ctx: Pick<PostCreationContext, 'db'>,
  workspaceId: string,
  request: NewPostRequest,
): Promise<{ itemId: string; text: string }> {
  const item = await findLibraryItem(ctx.db, workspaceId, request.libraryItemId!);
  if (!item)
    throw invalidField('libraryItemId', 'exists', `no library item ${request.libraryItemId} in this workspace`);
  if (item.status !== 'approved')
    throw invalidField('libraryItemId', 'approved', `the item is ${item.status.replace('_', ' ')}`);
  if (!item.usable) throw invalidField('libraryItemId', 'unexpired', `the item expired at ${item.expiresAt}`);
  if (item.kind === 'media' || item.body === null)
    throw invalidField(
      'libraryItemId',
      'text_item',
      'a media item has no text: attach it with media: [{ libraryItemId }] beside a text',
    );
  const { text, missing } = renderTemplate(item.body, request.variables ?? {});
  if (missing.length > 0)
    throw invalidFields(
      missing.map((name) => ({
        field: `variables.${name}`,
        rule: 'required',
        message: `the template needs a value for {{${name}}}`,
      })),
    );
  return { itemId: item.id, text };
}

/** Stores a planned post and starts its workflow, neither without the other. Returns the post's id. */
export async function createPlannedPost(ctx: PostCreationContext, plan: PlannedPost): Promise<string> {
  const { input, status } = plan;
  const workflowId = postWorkflowId(input.postId);
  const channelIds = plan.channels.map((c) => c.id);
  await storeAndStart(ctx, workflowId, async (trx, start) => {
    // The start goes first and the rows are written while it is on its way (the commit waits for it);
    // it is awaited before the audit entry, whose workspace lock is held until commit: a Temporal
    // round trip under that lock made every create in a workspace wait for the one before.
    const started = start(() =>
      ctx.temporal.workflow.start<typeof publishPost>('publishPost', {
        workflowId,
        taskQueue: ctx.taskQueue,
        args: [input],
        // A workflow task its worker took down with it is retried elsewhere after this (the default
        // is 10 s): a post's tasks take milliseconds, and a lost worker's posts recover within 10 s.
        workflowTaskTimeout: '5s',
        typedSearchAttributes: [
          { key: SearchAttributes.workspace, value: input.workspaceId },
          { key: SearchAttributes.post, value: input.postId },
          { key: SearchAttributes.channels, value: channelIds },
          { key: SearchAttributes.postStatus, value: status },
          ...(input.campaignId ? [{ key: SearchAttributes.campaign, value: input.campaignId }] : []),
        ],
        staticSummary: `Post "${excerptOf(plan.text)}" → ${plan.channels.map((c) => c.name).join(', ')}`,
        staticDetails: `Workspace ${input.workspaceId} · publish at ${input.publishAt} · author ${plan.authorId}`,
      }),
    );
    await insertPost(
      trx,
      {
        id: input.postId,
        workspace_id: input.workspaceId,
        author_id: plan.authorId,
        text: plan.text,
        publish_at: input.publishAt,
        status,
        workflow_id: workflowId,
        campaign_id: input.campaignId ?? null,
        recurrence_id: plan.recurrence?.id ?? null,
        occurrence: plan.recurrence?.occurrence ?? null,
        library_item_id: plan.libraryItem?.id ?? null,
        pre_approved: plan.libraryItem?.preApproved ?? false,
        awaiting_user_ids: input.approval?.steps[0]!.eligibleUserIds ?? [],
        updated_at: new Date(),
      },
      plan.targets.map((t) => ({
        id: t.id,
        post_id: input.postId,
        channel_id: t.channel.id,
        text: t.text,
        status: 'pending' as const,
        idempotency_key: t.idempotencyKey,
        updated_at: new Date(),
      })),
      plan.media.map((m) => ({ media_id: m.mediaId, alt: m.alt, library_item_id: m.libraryItemId })),
    );
    await started;
    await appendAudit(trx, {
      workspaceId: input.workspaceId,
      actorId: plan.authorId,
      action: 'post.created',
      subjectType: 'post',
      subjectId: input.postId,
      after: {
        text: plan.text,
        publishAt: input.publishAt,
        channelIds,
        approvalSteps: plan.stepNames,
        ...(plan.media.length ? { media: plan.media } : {}),
        ...(plan.libraryItem
          ? { libraryItemId: plan.libraryItem.id, preApprovedByLibraryItem: plan.libraryItem.preApproved }
          : {}),
      },
    });
  });
  return input.postId;
}
