import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * A real PNG of the given size, built by hand so the tests need no image library: one colour, or
 * random pixels (`noise`), which do not compress, for a file of about width × height × 3 bytes.
 */
export function png(width: number, height: number, { noise = false } = {}): Buffer {
  const crc = (buf: Buffer) => {
    let c = ~0;
    for (const byte of buf) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = noise ? randomBytes((width * 3 + 1) * height) : Buffer.alloc((width * 3 + 1) * height);
  // Each row starts with its filter type; 0 (none) keeps random pixels random.
  for (let y = 0; noise && y < height; y++) rows[y * (width * 3 + 1)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
