import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring URLs of uploaded media, for networks that fetch a post's media themselves
 * (Instagram and Threads take an `image_url`, not the bytes). The URL names the media and when it
 * expires, and carries an HMAC of both under a key derived from CHORUS_ENCRYPTION_KEY: the API serves
 * the file to whoever holds an unexpired URL, and to no one else (`GET /v1/media/{id}/shared`).
 */
export class MediaUrlSigner {
  private readonly key: Buffer;

  constructor(
    keyMaterial: string,
    private readonly baseUrl: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', Buffer.from(keyMaterial, 'base64')).update('chorus media urls v1').digest();
  }

  urlFor(media: { mediaId: string }): string {
    const expires = Math.floor((this.now() + this.ttlMs) / 1000);
    const url = new URL(`${this.baseUrl}/v1/media/${encodeURIComponent(media.mediaId)}/shared`);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', this.sign(media.mediaId, expires));
    return url.toString();
  }

  /** Whether this URL's parts were signed here and have not expired. */
  verify(mediaId: string, expires: number, signature: string): boolean {
    if (!Number.isSafeInteger(expires) || expires * 1000 < this.now()) return false;
    const expected = Buffer.from(this.sign(mediaId, expires));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(mediaId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${mediaId}\n${expires}`).digest('base64url');
  }
}
