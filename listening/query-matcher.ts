import { QueryNode } from './query-parser';
import {
  containsUrl,
  handleMatches,
  hashtagsOf,
  mentionsOf,
  normaliseHandle,
  normaliseText,
  primaryLanguage,
  wordsOf,
} from './query-text';

/**
 * The evaluator: compiles an AST once into nested closures, so matching a post is a few function
 * calls and string comparisons with no tree walking or re-parsing. It runs on every post of a
 * firehose, hence the care below to do each piece of text work at most once per post, and only
 * when the query needs it.
 */

export interface MentionForMatching {
  text: string;
  /** With or without a leading @. */
  authorHandle?: string;
  /** A language tag such as "en" or "en-US"; only the primary subtag is compared. */
  lang?: string;
  /** URLs attached to the post (link cards, facets). */
  links?: string[];
}

export type Matcher = (mention: MentionForMatching) => boolean;

export function compileMatcher(ast: QueryNode): Matcher {
  const test = compilePredicate(ast);
  return (mention) => test(new Post(mention));
}

/**
 * One post as the matcher sees it. The normalised text, its words, hashtags and mentions are each
 * computed on first use and then reused by every part of the query.
 */
class Post {
  private normalisedText?: string;
  private cachedWords?: string[];
  private cachedHashtags?: string[];
  private cachedMentions?: string[];

  constructor(readonly mention: MentionForMatching) {}

  get text(): string {
    return (this.normalisedText ??= normaliseText(this.mention.text));
  }

  get words(): string[] {
    return (this.cachedWords ??= wordsOf(this.text));
  }

  get hashtags(): string[] {
    return (this.cachedHashtags ??= hashtagsOf(this.text));
  }

  get mentions(): string[] {
    return (this.cachedMentions ??= mentionsOf(this.text));
  }
}

type Predicate = (post: Post) => boolean;

function compilePredicate(node: QueryNode): Predicate {
  switch (node.type) {
    case 'term':
    case 'phrase': {
      const find = compileFinder(node);
      return (post) => find(post.words, 0) !== -1;
    }
    case 'and': {
      const parts = node.children.map(compilePredicate);
      return (post) => parts.every((part) => part(post));
    }
    case 'or': {
      const parts = node.children.map(compilePredicate);
      return (post) => parts.some((part) => part(post));
    }
    case 'not': {
      const inner = compilePredicate(node.child);
      return (post) => !inner(post);
    }
    case 'near': {
      const spans = compileSpans(node);
      return (post) => spans(post.words).length > 0;
    }
    case 'author': {
      const { handle } = node;
      return ({ mention }) =>
        mention.authorHandle !== undefined && handleMatches(handle, normaliseHandle(mention.authorHandle));
    }
    case 'lang': {
      const { code } = node;
      return ({ mention }) => mention.lang !== undefined && primaryLanguage(mention.lang) === code;
    }
    case 'has':
      return ({ mention }) => (mention.links?.length ?? 0) > 0 || containsUrl(mention.text);
    case 'hashtag': {
      const { tag } = node;
      return (post) => post.hashtags.includes(tag);
    }
    case 'mention': {
      const { handle } = node;
      return (post) => post.mentions.some((found) => handleMatches(handle, found));
    }
  }
}

/** Finds the next occurrence of a term or phrase at or after `from`; returns its first word's index or -1. */
type Finder = (words: string[], from: number) => number;

function compileFinder(node: Extract<QueryNode, { type: 'term' | 'phrase' }>): Finder {
  if (node.type === 'phrase') return phraseFinder(node.words);
  const { word } = node;
  if (node.prefix) {
    return (words, from) => {
      for (let i = from; i < words.length; i++) if (words[i]!.startsWith(word)) return i;
      return -1;
    };
  }
  return (words, from) => words.indexOf(word, from);
}

function phraseFinder(phrase: string[]): Finder {
  const [first, ...rest] = phrase as [string, ...string[]];
  return (words, from) => {
    for (let i = words.indexOf(first, from); i !== -1; i = words.indexOf(first, i + 1)) {
      if (rest.every((word, k) => words[i + 1 + k] === word)) return i;
    }
    return -1;
  };
}

/** A stretch of a post's words, both ends inclusive. */
interface Span {
  start: number;
  end: number;
}

type SpanFinder = (words: string[]) => Span[];

/** Every place in the text where a NEAR/ operand occurs (the parser guarantees it has places). */
function compileSpans(node: QueryNode): SpanFinder {
  switch (node.type) {
    case 'term':
    case 'phrase': {
      const find = compileFinder(node);
      const length = node.type === 'phrase' ? node.words.length : 1;
      return (words) => {
        const spans: Span[] = [];
        for (let i = find(words, 0); i !== -1; i = find(words, i + 1)) spans.push({ start: i, end: i + length - 1 });
        return spans;
      };
    }
    case 'or': {
      const parts = node.children.map(compileSpans);
      return (words) => parts.flatMap((part) => part(words));
    }
    case 'near': {
      const left = compileSpans(node.left);
      const right = compileSpans(node.right);
      const { distance } = node;
      return (words) => {
        const lefts = left(words);
        if (lefts.length === 0) return [];
        const rights = right(words);
        const spans: Span[] = [];
        for (const a of lefts) {
          for (const b of rights) {
            // The span covering both is what an enclosing NEAR/ measures from.
            if (isNear(a, b, distance)) spans.push({ start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) });
          }
        }
        return spans;
      };
    }
    default:
      throw new Error(`A ${node.type} has no position in the text; the parser should have rejected it`);
  }
}

/**
 * At most `distance` words between the two, in either order (Brandwatch's reading of NEAR/n:
 * `apple NEAR/2 pie` matches "apple pie" and "apple and cherry pie"). The two must be separate
 * occurrences: `brand NEAR/3 brand` needs the word twice.
 */
function isNear(a: Span, b: Span, distance: number): boolean {
  const between = a.end < b.start ? b.start - a.end - 1 : b.end < a.start ? a.start - b.end - 1 : -1;
  return between >= 0 && between <= distance;
}
