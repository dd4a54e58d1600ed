import { useQuery } from '@tanstack/react-query';
import { api, data, type Ok } from '../api/client';

/** Shared by the calendar, posts and post detail screens. */
export type PostView = Ok<'/v1/posts/{id}', 'get'>;
export type ChannelView = Ok<'/v1/channels', 'get'>['channels'][number];
export type CampaignView = Ok<'/v1/campaigns', 'get'>['campaigns'][number];

/** Statuses in which a post has not started publishing: the workflow still accepts a reschedule or cancel. */
export const MOVABLE = new Set<string>(['awaiting_approval', 'changes_requested', 'scheduled', 'held', 'expired']);

export function useChannels() {
  return useQuery({
    queryKey: ['channels'],
    queryFn: () => data(api.GET('/v1/channels')),
    staleTime: 60_000,
    select: (answer) => answer.channels,
  });
}

export function useCampaigns() {
  return useQuery({
    queryKey: ['campaigns'],
    queryFn: () => data(api.GET('/v1/campaigns')),
    staleTime: 60_000,
    select: (answer) => answer.campaigns,
  });
}

/** Colours for channels, dark enough for white text (WCAG AA at normal size). */
const PALETTE = ['#3b3bb3', '#1e6b35', '#a02c6b', '#7a4b00', '#00667a', '#6b3fa0', '#b3261e', '#3d5a00'];

/** A channel's colour: stable for the channel's place in the workspace's list. */
export function channelColor(channels: ChannelView[] | undefined, channelId: string | undefined): string {
  const index = channels?.findIndex((c) => c.id === channelId) ?? -1;
  return index < 0 ? '#5b5b6e' : PALETTE[index % PALETTE.length]!;
}

export function channelName(channels: ChannelView[] | undefined, channelId: string): string {
  return channels?.find((c) => c.id === channelId)?.name ?? 'Removed channel';
}

/** The first words of a text, for lists and calendar cells. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export const statusText = (status: string) => status.replaceAll('_', ' ');
