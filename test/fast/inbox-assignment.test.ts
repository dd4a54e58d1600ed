import { TID } from '@atproto/common-web';
import { inboxRecordKey } from '../../channels/inbox-replies';
import { conditionsMatch, nextInTurn } from '../../db/inbox-assignment';

const facts = { channelId: 'c1', text: 'I want a REFUND, now!', sentiment: 'negative', lead: false };

describe('assignment rules', () => {
  test('every condition given must hold', () => {
    expect(conditionsMatch({}, facts)).toBe(true);
    expect(conditionsMatch({ channelIds: ['c1', 'c2'], sentiment: 'negative', lead: false }, facts)).toBe(true);
    expect(conditionsMatch({ channelIds: ['c2'] }, facts)).toBe(false);
    expect(conditionsMatch({ channelIds: ['c1'] }, { ...facts, channelId: null })).toBe(false);
    expect(conditionsMatch({ sentiment: 'positive' }, facts)).toBe(false);
    expect(conditionsMatch({ lead: true }, facts)).toBe(false);
  });

  test('keywords match whole words in any case, any of them', () => {
    expect(conditionsMatch({ keywords: ['refund'] }, facts)).toBe(true);
    expect(conditionsMatch({ keywords: ['billing', 'Refund'] }, facts)).toBe(true);
    expect(conditionsMatch({ keywords: ['refund'] }, { ...facts, text: 'Refunded, thanks' })).toBe(false);
    expect(conditionsMatch({ keywords: ['fund'] }, facts)).toBe(false);
    // A keyword is a word, not a pattern.
    expect(conditionsMatch({ keywords: ['a.b'] }, { ...facts, text: 'axb' })).toBe(false);
    expect(conditionsMatch({ keywords: ['c++'] }, { ...facts, text: 'help with c++ please' })).toBe(true);
    expect(conditionsMatch({ keywords: ['café'] }, { ...facts, text: 'Le Café est fermé' })).toBe(true);
  });

  test('round-robin goes round after the last one assigned, skipping members away', () => {
    const pool = [
      { userId: 'a', away: false },
      { userId: 'b', away: true },
      { userId: 'c', away: false },
    ];
    expect(nextInTurn(pool, null)).toBe('a');
    expect(nextInTurn(pool, 'a')).toBe('c');
    expect(nextInTurn(pool, 'c')).toBe('a');
    expect(nextInTurn(pool, 'b')).toBe('c');
    expect(nextInTurn(pool, 'gone')).toBe('a');
    expect(nextInTurn([{ userId: 'a', away: true }], null)).toBeUndefined();
    expect(nextInTurn([], null)).toBeUndefined();
  });
});

describe('inbox record keys', () => {
  test('the same item always gets the same valid TID; items differ', () => {
    const at = new Date('2026-11-26T20:00:00.123Z');
    const key = inboxRecordKey('42', at);
    expect(TID.is(key)).toBe(true);
    expect(inboxRecordKey('42', new Date(at))).toBe(key);
    expect(inboxRecordKey('43', at)).not.toBe(key);
    expect(inboxRecordKey('42', new Date(at.getTime() + 1))).not.toBe(key);
  });
});
