import {
  compileQuery,
  EXPECTED_NEAR_OPERAND,
  EXPECTED_OPERAND,
  formatQuery,
  MentionForMatching,
  parseQuery,
  QuerySyntaxError,
  queryWarnings,
} from '../listening/query';

/** The query with its grouping made explicit, e.g. `(a OR (b AND c))`. */
const grouped = (source: string): string => formatQuery(parseQuery(source));

/** Whether `source` matches a post with `text` (and optionally other fields). */
function matches(source: string, text: string, rest: Omit<MentionForMatching, 'text'> = {}): boolean {
  return compileQuery(source).matches({ text, ...rest });
}

/** The error `source` fails with; fails the test if it parses. */
function syntaxError(source: string): QuerySyntaxError {
  try {
    parseQuery(source);
  } catch (err) {
    if (err instanceof QuerySyntaxError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to parse`);
}

describe('precedence', () => {
  test('OR binds looser than implicit AND: a OR b c = a OR (b AND c)', () => {
    expect(grouped('a OR b c')).toBe('(a OR (b AND c))');
    expect(grouped('a OR b c')).toBe(grouped('a OR (b AND c)'));
    expect(matches('a OR b c', 'a')).toBe(true);
    expect(matches('a OR b c', 'b')).toBe(false);
    expect(matches('a OR b c', 'c b')).toBe(true);
  });

  test('NOT binds tighter than AND: NOT a b = (NOT a) AND b', () => {
    expect(grouped('NOT a b')).toBe('((NOT a) AND b)');
    expect(matches('NOT a b', 'b')).toBe(true);
    expect(matches('NOT a b', 'a b')).toBe(false);
    expect(matches('NOT a b', 'x')).toBe(false); // NOT (a AND b) would match this
  });

  test('explicit and implicit AND are the same; OR is lowest; parentheses override', () => {
    expect(grouped('a AND b')).toBe(grouped('a b'));
    expect(grouped('a b OR c')).toBe('((a AND b) OR c)');
    expect(grouped('(a OR b) c')).toBe('((a OR b) AND c)');
    expect(grouped('a OR b OR c')).toBe('(a OR b OR c)');
    expect(matches('(a OR b) c', 'b c')).toBe(true);
    expect(matches('(a OR b) c', 'a')).toBe(false);
  });

  test('NEAR binds tighter than AND, NOT applies to a whole NEAR', () => {
    expect(grouped('a b NEAR/1 c')).toBe('(a AND (b NEAR/1 c))');
    expect(grouped('NOT a NEAR/1 b')).toBe('(NOT (a NEAR/1 b))');
    expect(grouped('a NEAR/1 b NEAR/2 c')).toBe('((a NEAR/1 b) NEAR/2 c)');
  });

  test('-x is NOT x', () => {
    expect(grouped('brand -spam')).toBe('(brand AND (NOT spam))');
    expect(grouped('brand -"free gift" -(a OR b)')).toBe('(brand AND (NOT "free gift") AND (NOT (a OR b)))');
    expect(matches('brand -spam', 'brand spam')).toBe(false);
    expect(matches('brand -spam', 'brand news')).toBe(true);
    expect(grouped('e-bike')).toBe('"e bike"'); // a dash inside a word is not NOT
  });
});

describe('case rules', () => {
  test('operators are operators only in upper case', () => {
    expect(grouped('rock and roll')).toBe('(rock AND and AND roll)');
    expect(matches('cats or dogs', 'cats')).toBe(false);
    expect(matches('cats or dogs', 'cats or dogs')).toBe(true);
    expect(grouped('Not this')).toBe('(not AND this)');
    expect(grouped('a near/2 b')).toBe('(a AND "near 2" AND b)');
  });

  test('terms, phrases, hashtags, mentions and field names ignore case', () => {
    expect(matches('CHORUS', 'chorus is out')).toBe(true);
    expect(matches('Chorus', 'CHORUS IS OUT')).toBe(true);
    expect(matches('"Social MEDIA"', 'social media')).toBe(true);
    expect(matches('#LaunchDay', 'it is #launchday')).toBe(true);
    expect(matches('@ALICE', 'hi @Alice')).toBe(true);
    expect(matches('Author:alice', 'x', { authorHandle: 'ALICE' })).toBe(true);
  });

  test('a lower-case and/or/not where an operator was probably meant gets a warning', () => {
    const warned = (source: string) => queryWarnings(source).map((w) => w.message.split(' is ')[0]);
    expect(warned('chorus or hootsuite')).toEqual(['"or" at position 7']);
    expect(warned('(chorus OR #chorus) and launch')).toEqual(['"and" at position 20']);
    expect(warned('chorus Not "free gift"')).toEqual(['"Not" at position 7']);
    expect(warned('not spam')).toEqual(['"not" at position 0']);
    expect(queryWarnings('cats or dogs')[0]).toMatchObject({
      field: 'expression',
      rule: 'lowercase_operator',
      message: expect.stringContaining('write OR'),
    });
    // Upper-case operators, quoted words, and a word at either end are not warned about.
    for (const fine of [
      'chorus OR hootsuite',
      '"rock and roll"',
      'rock "and" roll',
      'this and',
      'or that',
      'band AND orchestra',
    ])
      expect(queryWarnings(fine)).toEqual([]);
  });
});

describe('terms', () => {
  test('match whole words only', () => {
    expect(matches('cat', 'my cat, your cat')).toBe(true);
    expect(matches('cat', 'concatenate category')).toBe(false);
    expect(matches('brand', "the brand's new logo")).toBe(true);
    expect(matches('launch', 'big #launch today')).toBe(true);
  });

  test('a trailing * is a prefix wildcard', () => {
    expect(matches('launch*', 'launching soon')).toBe(true);
    expect(matches('launch*', 'three launches')).toBe(true);
    expect(matches('launch*', 'launch')).toBe(true);
    expect(matches('launch*', 'relaunch and lunch')).toBe(false);
  });

  test('words inside URLs are not matched', () => {
    expect(matches('example', 'see https://example.com/launch')).toBe(false);
    expect(matches('launch', 'see https://example.com/launch')).toBe(false);
    expect(matches('see', 'see https://example.com/launch')).toBe(true);
  });

  test('a term the tokeniser splits (e-bike) matches as a phrase', () => {
    expect(matches('e-bike', 'my new E-Bike')).toBe(true);
    expect(matches('e-bike', 'my new e bike')).toBe(true);
    expect(matches('e-bike', 'bike e')).toBe(false);
  });
});

describe('phrases', () => {
  test('match consecutive words in order', () => {
    expect(matches('"social media"', 'Social Media managers')).toBe(true);
    expect(matches('"social media"', 'social and media')).toBe(false);
    expect(matches('"social media"', 'media social')).toBe(false);
    expect(matches('"social media manager"', 'a social media, manager!')).toBe(true);
  });

  test('punctuation and emoji between the words do not break a phrase', () => {
    expect(matches('"love chorus"', 'love 😍 chorus')).toBe(true);
    expect(matches('"love chorus"', 'love... chorus')).toBe(true);
    expect(matches('"love chorus"', 'love the chorus')).toBe(false);
  });

  test('curly quotes work like straight ones, and operators inside quotes are words', () => {
    expect(grouped('“social media”')).toBe('"social media"');
    expect(matches('"rock AND roll"', 'rock and roll')).toBe(true);
    expect(matches('"rock AND roll"', 'rock roll')).toBe(false);
  });
});

describe('NEAR/n: at most n words between, either order', () => {
  test('both orders, at the limit and one past it', () => {
    const q = compileQuery('apple NEAR/2 pie');
    const m = (text: string) => q.matches({ text });
    expect(m('apple pie')).toBe(true);
    expect(m('pie apple')).toBe(true);
    expect(m('apple and cherry pie')).toBe(true); // 2 between: the limit
    expect(m('pie, said the apple')).toBe(true); // reversed, 2 between
    expect(m('apple and a cherry pie')).toBe(false); // 3 between
    expect(m('pie is not an apple')).toBe(false);
    expect(m('apple')).toBe(false);
  });

  test('phrases and parenthesised ORs as operands', () => {
    expect(matches('"apple pie" NEAR/1 recipe', 'recipe for apple pie')).toBe(true);
    expect(matches('"apple pie" NEAR/1 recipe', 'apple pie is my recipe')).toBe(false);
    expect(matches('(xmas OR christmas) NEAR/1 (gift OR present)', 'a Christmas present!')).toBe(true);
    expect(matches('(xmas OR christmas) NEAR/1 (gift OR present)', 'christmas was great, no gift')).toBe(false);
    expect(matches('launch* NEAR/1 day', 'day of launches')).toBe(true);
  });

  test('nested NEAR measures from the span of the inner match', () => {
    expect(matches('(a NEAR/1 b) NEAR/1 c', 'a x b y c')).toBe(true);
    expect(matches('(a NEAR/1 b) NEAR/1 c', 'c y a x b')).toBe(true);
    expect(matches('(a NEAR/1 b) NEAR/1 c', 'a x b y z c')).toBe(false);
  });

  test('emoji and punctuation do not count as words; the same occurrence cannot be both operands', () => {
    expect(matches('apple NEAR/1 pie', 'apple 🍎🥧 — pie')).toBe(true);
    expect(matches('brand NEAR/3 brand', 'brand')).toBe(false);
    expect(matches('brand NEAR/3 brand', 'brand new brand')).toBe(true);
  });
});

describe('fields', () => {
  test('author: with or without @, exact or followed by a domain', () => {
    const q = compileQuery('author:alice');
    expect(q.matches({ text: 'x', authorHandle: 'alice' })).toBe(true);
    expect(q.matches({ text: 'x', authorHandle: '@Alice' })).toBe(true);
    expect(q.matches({ text: 'x', authorHandle: 'alice.bsky.social' })).toBe(true);
    expect(q.matches({ text: 'x', authorHandle: 'alice2' })).toBe(false);
    expect(q.matches({ text: 'x', authorHandle: 'malice' })).toBe(false);
    expect(q.matches({ text: 'alice' })).toBe(false);
    expect(matches('author:@alice.bsky.social', 'x', { authorHandle: 'alice.bsky.social' })).toBe(true);
    expect(matches('author:@alice.bsky.social', 'x', { authorHandle: 'alice' })).toBe(false);
  });

  test('lang: compares the primary language subtag', () => {
    expect(matches('lang:en', 'x', { lang: 'en' })).toBe(true);
    expect(matches('lang:EN', 'x', { lang: 'en-US' })).toBe(true);
    expect(matches('lang:en', 'x', { lang: 'fr' })).toBe(false);
    expect(matches('lang:en', 'x')).toBe(false);
  });

  test('has:link: attached links or an http(s) URL in the text', () => {
    expect(matches('has:link', 'no link')).toBe(false);
    expect(matches('has:link', 'no link', { links: [] })).toBe(false);
    expect(matches('has:link', 'card', { links: ['https://example.com'] })).toBe(true);
    expect(matches('has:link', 'read http://example.com/a')).toBe(true);
    expect(matches('has:link', 'read example.com')).toBe(false);
  });

  test('#hashtag matches the hashtag, not the plain word or a longer tag', () => {
    expect(matches('#launch', 'big #Launch today')).toBe(true);
    expect(matches('#launch', 'the launch today')).toBe(false);
    expect(matches('#launch', '#launchday')).toBe(false);
    expect(matches('#launch', 'see example.com/page#launch')).toBe(false);
    expect(matches('#crème', 'dessert #Crème')).toBe(true);
  });

  test('@mention matches the handle exactly or followed by a domain', () => {
    expect(matches('@alice', 'thanks @alice!')).toBe(true);
    expect(matches('@alice', 'cc @Alice.bsky.social.')).toBe(true);
    expect(matches('@alice', 'cc @alice2')).toBe(false);
    expect(matches('@alice', 'mail bob@alice.com')).toBe(false);
    expect(matches('@alice', 'alice')).toBe(false);
    expect(matches('@alice.bsky.social', 'cc @alice')).toBe(false);
  });

  test('fields combine with terms and NOT', () => {
    const q = compileQuery('chorus -author:chorusapp lang:en');
    expect(q.matches({ text: 'Chorus is neat', authorHandle: 'bob', lang: 'en' })).toBe(true);
    expect(q.matches({ text: 'Chorus is neat', authorHandle: 'chorusapp.bsky.social', lang: 'en' })).toBe(false);
    expect(q.matches({ text: 'Chorus est bien', authorHandle: 'bob', lang: 'fr' })).toBe(false);
  });
});

describe('Unicode text', () => {
  test('diacritics are kept and compared after NFC normalisation', () => {
    expect(matches('"Crème brûlée"', "J'adore la CRÈME BRÛLÉE !")).toBe(true);
    expect(matches('"Crème brûlée"', 'cre\u0300me bru\u0302le\u0301e')).toBe(true); // decomposed accents
    expect(matches('"Crème brûlée"', 'creme brulee')).toBe(false);
    expect(matches('brûlée', 'crème brûlée')).toBe(true);
  });

  test('emoji next to or between words', () => {
    expect(matches('love', 'love😍')).toBe(true);
    expect(matches('love', '😍love😍')).toBe(true);
    expect(matches('"great launch"', 'great🚀launch')).toBe(true);
    expect(matches('love', 'lovely 😍')).toBe(false);
  });

  test('other scripts', () => {
    expect(matches('привет', 'Привет, мир')).toBe(true);
    expect(matches('"καλημέρα κόσμε"', 'Καλημέρα κόσμε!')).toBe(true);
    expect(matches('東京', '東京 2026')).toBe(true);
  });
});

describe('terms (for highlighting)', () => {
  test('plain terms and phrases, normalised, deduplicated, without negated ones', () => {
    const q = compileQuery(
      '(Chorus OR "Social  Media") launch* -spam NEAR/2 x #tag @bob author:a lang:en has:link chorus -(NOT kept)',
    );
    expect(q.terms).toEqual(['chorus', 'social media', 'launch*', 'kept']);
    expect(q.source).toContain('Chorus OR');
    expect(q.ast.type).toBe('and');
  });
});

describe('syntax errors give the position and what was expected', () => {
  test.each([
    ['unclosed (', '(brand OR product', 17, '")"'],
    ['unclosed nested (', '((brand) product', 16, '")"'],
    ['stray )', 'brand OR product)', 16, 'end of query'],
    ['unterminated quote', 'brand "launch day', 17, 'a closing quote (")'],
    ['dangling AND', 'brand AND', 9, EXPECTED_OPERAND],
    ['dangling OR', 'brand OR ', 9, EXPECTED_OPERAND],
    ['leading AND', 'AND brand', 0, EXPECTED_OPERAND],
    ['two operators', 'brand AND OR launch', 10, EXPECTED_OPERAND],
    ['empty query', '', 0, EXPECTED_OPERAND],
    ['blank query', '   ', 3, EXPECTED_OPERAND],
    ['empty parentheses', 'brand ()', 7, EXPECTED_OPERAND],
    ['bare NOT at the end', 'brand NOT', 9, EXPECTED_OPERAND],
    ['bare - at the end', 'brand -', 6, EXPECTED_OPERAND],
    ['NEAR/ without a number', 'apple NEAR/ pie', 11, 'a number after NEAR/'],
    ['NEAR/0', 'apple NEAR/0 pie', 11, 'a number of 1 or more after NEAR/'],
    ['NEAR without /n', 'apple NEAR pie', 10, '"/" and a number after NEAR'],
    ['NEAR/n with a suffix', 'apple NEAR/3f pie', 12, 'a space after NEAR/3'],
    ['NEAR without a right operand', 'apple NEAR/3', 12, EXPECTED_OPERAND],
    ['NEAR without a left operand', 'NEAR/3 pie', 0, EXPECTED_OPERAND],
    ['NEAR on a field', 'author:bob NEAR/3 pie', 0, EXPECTED_NEAR_OPERAND],
    ['NEAR on a hashtag', 'apple NEAR/3 #pie', 13, EXPECTED_NEAR_OPERAND],
    ['NEAR on an AND group', 'apple NEAR/3 (pie tart)', 13, EXPECTED_NEAR_OPERAND],
    ['NEAR on an OR group with a field', '(apple OR lang:en) NEAR/3 pie', 0, EXPECTED_NEAR_OPERAND],
    ['NEAR on a NOT', 'apple NEAR/3 -pie', 13, EXPECTED_NEAR_OPERAND],
    ['unknown field', 'brand foo:bar', 6, 'a known field (author:, lang:, has:)'],
    ['has: with an unsupported value', 'brand has:video', 10, '"link"'],
    ['lang: that is not a two-letter code', 'lang:english', 5, 'a two-letter language code (ISO 639-1) after lang:'],
    ['author: without a handle', 'author: brand', 7, 'a handle after author:'],
    ['# alone', 'brand # launch', 7, 'letters, digits or "_" after "#"'],
    ['@ alone', 'brand @', 7, 'a handle after "@"'],
    ['* inside a word', 'la*nch', 2, 'a "*" only at the end of a word'],
    ['empty phrase', 'brand ""', 7, 'a word inside the quotes'],
    ['punctuation only', 'brand !!!', 6, EXPECTED_OPERAND],
  ])('%s: %j', (_name, source, position, expected) => {
    const err = syntaxError(source);
    expect({ position: err.position, expected: err.expected }).toEqual({ position, expected });
    expect(err.message).toContain(`Expected ${expected} at position ${position} (found `);
  });

  test('messages say what was found', () => {
    expect(syntaxError('(brand OR product').message).toBe(
      'Expected ")" at position 17 (found end of query): to close the "(" at position 0',
    );
    expect(syntaxError('brand has:video').message).toBe(
      'Expected "link" at position 10 (found "video"): supported: has:link',
    );
    expect(syntaxError('brand foo:bar').found).toBe('"foo:"');
    expect(syntaxError('brand foo:bar').message).toContain('put it in quotes: "foo:bar"');
    expect(syntaxError('apple NEAR/0 pie').found).toBe('"0"');
    expect(syntaxError('brand "launch').message).toContain('the phrase opened at position 6 is never closed');
  });

  test('quoting makes an unknown field, an operator word or a lone dash searchable', () => {
    expect(matches('"foo:bar"', 'foo: bar')).toBe(true);
    expect(matches('"NEAR"', 'near')).toBe(true);
    expect(matches('"10:30"', 'at 10:30')).toBe(true);
    expect(matches('10:30', 'at 10:30')).toBe(true); // not a field: field names start with a letter
  });

  test('positions count UTF-16 units, like JavaScript string indices', () => {
    const source = '"crème" 😍love AND';
    expect(source.length).toBe(18); // the emoji is two units
    expect(syntaxError(source).position).toBe(18);
  });

  test('absurd nesting is an error, not a stack overflow', () => {
    const err = syntaxError('('.repeat(10_000) + 'a' + ')'.repeat(10_000));
    expect(err.expected).toBe('at most 100 levels of nesting');
    expect(err.position).toBe(100);
  });
});

test('throughput (printed, not asserted)', () => {
  const query = compileQuery('(chorus OR "social media") launch* -spam NEAR/3 schedul*');
  const post = {
    text: 'Just tried the new Chorus scheduler with our team and the social media calendar view is great, launching our spring campaign next week 🎉 https://example.com/x #launch @alice.bsky.social',
    lang: 'en',
  };
  expect(query.matches(post)).toBe(true);
  const runs = 100_000;
  let matched = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) if (query.matches(post)) matched++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  expect(matched).toBe(runs);
  console.log(
    `listening query: ${Math.round(runs / seconds).toLocaleString('en')} matches/s (${post.text.split(/\s+/).length}-word post, 5-term query)`,
  );
});
