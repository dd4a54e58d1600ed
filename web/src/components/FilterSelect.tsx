/** A labelled filter over named records (channels, campaigns): the first option is "all of them". */
export function FilterSelect({
  label,
  all,
  value,
  options,
  onChange,
}: {
  label: string;
  all: string;
  value: string;
  options: { id: string; name: string }[] | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{all}</option>
        {options?.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}

type Named = { id: string; name: string }[] | undefined;

/** The channel and campaign filters the posts, the calendar and the inbox share. */
export function ChannelCampaignFilters({
  channelId,
  campaignId,
  channels,
  campaigns,
  onChange,
}: {
  channelId: string;
  campaignId: string;
  channels: Named;
  campaigns: Named;
  onChange: (filter: 'channel' | 'campaign', value: string) => void;
}) {
  return (
    <>
      <FilterSelect
        label="Channel"
        all="All channels"
        value={channelId}
        options={channels}
        onChange={(v) => onChange('channel', v)}
      />
      <FilterSelect
        label="Campaign"
        all="All campaigns"
        value={campaignId}
        options={campaigns}
        onChange={(v) => onChange('campaign', v)}
      />
    </>
  );
}
