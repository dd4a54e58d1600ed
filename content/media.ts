import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { imageSize } from 'image-size';

/** Where uploaded media live. Disk by default; an object store can implement the same three calls. */
export interface MediaStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

export class DiskMediaStorage implements MediaStorage {
  constructor(private readonly dir: string) {}

  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err; // same content, same key: already stored
    });
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.file(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  private file(key: string): string {
    if (!/^[a-f0-9]{64}$/.test(key)) throw new Error('Invalid media key');
    return path.join(this.dir, key.slice(0, 2), key);
  }
}

/** What Chorus accepts, per type: the largest file and, for images, the largest side in pixels. */
export const MEDIA_LIMITS: Record<string, { maxBytes: number; maxSide?: number; sniff: string }> = {
  'image/png': { maxBytes: 10 * 1024 * 1024, maxSide: 8000, sniff: 'png' },
  'image/jpeg': { maxBytes: 10 * 1024 * 1024, maxSide: 8000, sniff: 'jpg' },
  'image/gif': { maxBytes: 10 * 1024 * 1024, maxSide: 8000, sniff: 'gif' },
  'image/webp': { maxBytes: 10 * 1024 * 1024, maxSide: 8000, sniff: 'webp' },
  'video/mp4': { maxBytes: 100 * 1024 * 1024, sniff: 'mp4' },
};

export const MAX_MEDIA_BYTES = Math.max(...Object.values(MEDIA_LIMITS).map((l) => l.maxBytes));

export interface InspectedMedia {
  contentType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  sha256: string;
}

/**
 * Checks an upload against its declared type: supported, within size, really that format (by its
 * bytes, not its name), and for images within the pixel limits. Returns problems, or the facts.
 */
export function inspectMedia(bytes: Buffer, declaredType: string): { problems: string[]; media?: InspectedMedia } {
  const type = declaredType.split(';')[0]!.trim().toLowerCase();
  const limits = MEDIA_LIMITS[type];
  if (!limits)
    return { problems: [`${type || 'that type'} is not supported; send ${Object.keys(MEDIA_LIMITS).join(', ')}`] };
  if (bytes.length === 0) return { problems: ['the file is empty'] };
  if (bytes.length > limits.maxBytes)
    return {
      problems: [
        `${type} files may be at most ${limits.maxBytes / 1024 / 1024} MB; this one is ${(bytes.length / 1024 / 1024).toFixed(1)} MB`,
      ],
    };
  let width: number | null = null;
  let height: number | null = null;
  if (limits.sniff === 'mp4') {
    if (bytes.subarray(4, 8).toString('latin1') !== 'ftyp') return { problems: ['the file is not an MP4 video'] };
  } else {
    try {
      const size = imageSize(bytes);
      if (size.type !== limits.sniff) return { problems: [`the file is ${size.type ?? 'not an image'}, not ${type}`] };
      width = size.width;
      height = size.height;
    } catch {
      return { problems: [`the file is not a readable ${type} image`] };
    }
    if (width > limits.maxSide! || height > limits.maxSide!)
      return {
        problems: [`images may be at most ${limits.maxSide}×${limits.maxSide} pixels; this one is ${width}×${height}`],
      };
  }
  return {
    problems: [],
    media: {
      contentType: type,
      bytes: bytes.length,
      width,
      height,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
  };
}
