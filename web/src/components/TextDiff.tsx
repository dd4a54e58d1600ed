/** Words (and the spaces between them) of a text, the units a diff compares. */
function tokens(text: string): string[] {
  return text.split(/(\s+)/).filter((t) => t !== '');
}

type Part = { kind: 'same' | 'added' | 'removed'; text: string };

/** The longest common subsequence of words; beyond this size the texts are shown whole instead. */
const MAX_CELLS = 2_000_000;

export function diffWords(before: string, after: string): Part[] | undefined {
  const a = tokens(before);
  const b = tokens(after);
  if (a.length * b.length > MAX_CELLS) return undefined;
  // lengths[i][j]: LCS length of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  const parts: Part[] = [];
  const push = (kind: Part['kind'], text: string) => {
    const last = parts[parts.length - 1];
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push('same', a[i]!);
      i++;
      j++;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) push('removed', a[i++]!);
    else push('added', b[j++]!);
  }
  while (i < a.length) push('removed', a[i++]!);
  while (j < b.length) push('added', b[j++]!);
  return parts;
}

/**
 * What changed between two versions of a text, word by word: removed words struck through, added
 * ones underlined, each also named for screen readers (colour is never the only cue).
 */
export function TextDiff({ before, after, label }: { before: string; after: string; label: string }) {
  const parts = diffWords(before, after);
  if (!parts)
    return (
      <div className="text-diff" aria-label={label}>
        <p>
          <strong>Before:</strong> {before}
        </p>
        <p>
          <strong>Now:</strong> {after}
        </p>
      </div>
    );
  return (
    <p className="text-diff" aria-label={label}>
      {parts.map((part, i) =>
        part.kind === 'same' ? (
          <span key={i}>{part.text}</span>
        ) : part.kind === 'removed' ? (
          <del key={i}>
            <span className="visually-hidden">[removed: </span>
            {part.text}
            <span className="visually-hidden">]</span>
          </del>
        ) : (
          <ins key={i}>
            <span className="visually-hidden">[added: </span>
            {part.text}
            <span className="visually-hidden">]</span>
          </ins>
        ),
      )}
    </p>
  );
}
