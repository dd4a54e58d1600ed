/** A status word (post, target, campaign, approval…) as a coloured badge; the colour is never the only cue. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${status}`}>{status.replaceAll('_', ' ')}</span>;
}
