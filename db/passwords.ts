import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes with node:crypto's scrypt. The stored string carries its parameters and salt,
 * `scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>`, so stronger parameters later still
 * verify the hashes stored before.
 */

/** N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per hash. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }, length: number) {
  // scrypt needs 128 * N * r bytes; Node refuses above `maxmem` (32 MiB by default).
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, PARAMS, KEY_LENGTH);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** A hash of nothing anyone knows: verified when there is no account, so a wrong email takes as long as a wrong password. */
let decoy: Promise<string> | undefined;

/**
 * Whether `password` matches `stored`; with no stored hash (no such account, or no password set) it
 * still does the work of one comparison, and answers false.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = stored?.split('$');
  const valid =
    parts?.length === 6 &&
    parts[0] === 'scrypt' &&
    parts.slice(1, 4).every((n) => /^[1-9][0-9]{0,9}$/.test(n)) &&
    parts[5] !== '';
  if (!valid) {
    decoy ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await decoy);
    return false;
  }
  const [, N, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    { N: Number(N), r: Number(r), p: Number(p) },
    expected.length,
  );
  return timingSafeEqual(actual, expected);
}
