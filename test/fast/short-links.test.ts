import { linksIn, shortUrl, withShortLinks } from '../../content/short-links';
import { TEXT_RULES } from '../../contracts/text-rules';

const short = shortUrl('https://chorus.example.com/', 'AbCdEfGh');

test('every link becomes its short link; trailing punctuation stays with the sentence', () => {
  const text = 'See https://shop.example/a?utm_source=x, and (https://shop.example/b)!';
  expect(linksIn(text)).toEqual(['https://shop.example/a?utm_source=x', 'https://shop.example/b']);
  const out = withShortLinks(text, () => short, TEXT_RULES.bluesky.validate);
  expect(out.text).toBe(`See ${short}, and (${short})!`);
});

test('a short link never makes a valid Bluesky text invalid: a link shorter than it is kept as written', () => {
  const padding = 'é'.repeat(300 - ' https://a.co https://shop.example/a-long-path-that-is-longer'.length);
  const text = `${padding} https://a.co https://shop.example/a-long-path-that-is-longer`;
  expect(TEXT_RULES.bluesky.validate(text)).toEqual([]);
  const out = withShortLinks(text, () => short, TEXT_RULES.bluesky.validate);
  expect(out.text).toBe(`${padding} https://a.co ${short}`);
  expect(TEXT_RULES.bluesky.validate(out.text)).toEqual([]);
  expect([...out.replaced.values()]).toEqual(['https://shop.example/a-long-path-that-is-longer']);
});

test('Mastodon counts any link as 23 characters, so a longer short link changes nothing there', () => {
  const text = `${'x'.repeat(500 - 24)} https://a.co`;
  expect(TEXT_RULES.mastodon.validate(text)).toEqual([]);
  const out = withShortLinks(text, () => short, TEXT_RULES.mastodon.validate);
  expect(out.text).toBe(`${'x'.repeat(476)} ${short}`);
  expect(TEXT_RULES.mastodon.validate(out.text)).toEqual([]);
});
