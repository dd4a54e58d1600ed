import { useChorus } from './support/chorus';

const { workspace: ws, member, call } = useChorus({ workspace: 'Parsing', members: ['analyst'] });

const parse = (expression: unknown, token = ws().token) =>
  call(token, 'POST', '/v1/listening/queries/parse', { expression });

test('a broken expression is answered with where it breaks and what was expected there; nothing is saved', async () => {
  const res = await parse('chorus AND (launch OR');
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({
    ok: false,
    error: {
      message: expect.stringContaining('position 21'),
      position: 21,
      expected: 'a term, phrase, field or "("',
      found: 'end of query',
    },
    warnings: [],
    terms: [],
  });
  const stray = (await parse('chorus )')).json();
  expect(stray.error).toMatchObject({ position: 7, found: '")"' });
  expect((await call(ws().token, 'GET', '/v1/listening/queries')).json().queries).toEqual([]);
});

test('a valid expression is ok, with its terms and the warnings saving it would carry', async () => {
  expect((await parse('"chorus app" OR launch* -spam')).json()).toEqual({
    ok: true,
    error: null,
    warnings: [],
    terms: ['chorus app', 'launch*'],
  });
  const lower = (await parse('chorus or hootsuite')).json();
  expect(lower.ok).toBe(true);
  expect(lower.warnings).toEqual([expect.objectContaining({ field: 'expression', rule: 'lowercase_operator' })]);
});

test('the input is strict and the route is for roles that write queries', async () => {
  expect(
    (await call(ws().token, 'POST', '/v1/listening/queries/parse', { expression: 'a', extra: 1 })).statusCode,
  ).toBe(400);
  expect((await parse(42)).statusCode).toBe(400);
  expect((await parse('chorus', member('analyst').token)).statusCode).toBe(403);
});
