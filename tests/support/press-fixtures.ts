/**
 * Image and press fixtures built in code, so the suite carries no binary files and every
 * size is whatever the test asks for. PNG, JPEG and lossless WebP are complete, decodable
 * images; the lossy VP8 WebP is header-accurate only (a real VP8 bitstream is not needed to
 * test header sniffing).
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * An 8-bit grayscale PNG. `shade` varies the pixels so two screenshots differ in bytes.
 * `claimOnly` writes the header's size without pixel rows for it: the pixel-bomb shape.
 */
export function buildPng(options: { width: number; height: number; shade?: number; claimOnly?: boolean }): Buffer {
  const { width, height, shade = 0 } = options;
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 0, 0, 0, 0])]);
  let raw: Buffer;
  if (options.claimOnly) {
    raw = Buffer.alloc(64);
  } else {
    const row = Buffer.alloc(width + 1);
    raw = Buffer.concat(
      Array.from({ length: height }, (_, y) => {
        const r = Buffer.from(row);
        for (let x = 0; x < width; x += 1) r[x + 1] = (shade + x + y) & 0xff;
        return r;
      }),
    );
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** A header claiming 100000 x 100000 pixels (10 gigapixels) in a few hundred bytes. */
export function buildPixelBombPng(): Buffer {
  return buildPng({ width: 100_000, height: 100_000, claimOnly: true });
}

function jpegSegment(marker: number, data: number[]): number[] {
  const length = data.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...data];
}

/**
 * A baseline grayscale JPEG: one quantisation table of ones, and Huffman tables with a
 * single 1-bit code each (DC category 0, AC end-of-block), so every 8x8 block is two 0
 * bits: a flat mid-grey image of any size.
 */
export function buildJpeg(options: { width: number; height: number }): Buffer {
  const { width, height } = options;
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits = blocks * 2;
  const scan = new Array<number>(Math.ceil(bits / 8)).fill(0);
  // Pad the last byte with 1 bits, as the standard asks.
  const padding = scan.length * 8 - bits;
  if (padding > 0) scan[scan.length - 1] = (1 << padding) - 1;
  const oneCode = [1, ...new Array<number>(15).fill(0)];
  return Buffer.from([
    0xff, 0xd8,
    ...jpegSegment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...jpegSegment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...jpegSegment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...jpegSegment(0xc4, [0x00, ...oneCode, 0x00]),
    ...jpegSegment(0xc4, [0x10, ...oneCode, 0x00]),
    ...jpegSegment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff, 0xd9,
  ]);
}

class BitWriter {
  private readonly bytes: number[] = [];
  private bitCount = 0;

  write(value: number, count: number): void {
    for (let i = 0; i < count; i += 1) {
      const byteIndex = this.bitCount >> 3;
      if (byteIndex === this.bytes.length) this.bytes.push(0);
      if ((value >>> i) & 1) this.bytes[byteIndex]! |= 1 << (this.bitCount & 7);
      this.bitCount += 1;
    }
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

function riff(chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WEBP', 'ascii'), ...chunks]);
  return Buffer.concat([Buffer.from('RIFF', 'ascii'), u32le(body.length), body]);
}

function riffChunk(type: string, data: Buffer): Buffer {
  const pad = data.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from(type, 'ascii'), u32le(data.length), data, pad]);
}

/** VP8L payload: an opaque black image; single-symbol prefix codes make pixels cost 0 bits. */
function vp8lData(width: number, height: number): Buffer {
  const w = new BitWriter();
  w.write(width - 1, 14);
  w.write(height - 1, 14);
  w.write(0, 1); // alpha hint
  w.write(0, 3); // version
  w.write(0, 1); // no transform
  w.write(0, 1); // no colour cache
  w.write(0, 1); // no meta prefix codes
  for (const symbol of [0, 0, 0, 255, 0]) {
    // green, red, blue, alpha, distance: "simple" code, one symbol
    w.write(1, 1);
    w.write(0, 1);
    if (symbol > 1) {
      w.write(1, 1);
      w.write(symbol, 8);
    } else {
      w.write(0, 1);
      w.write(symbol, 1);
    }
  }
  return Buffer.concat([Buffer.from([0x2f]), w.toBuffer()]);
}

export function buildWebpLossless(options: { width: number; height: number }): Buffer {
  return riff([riffChunk('VP8L', vp8lData(options.width, options.height))]);
}

export function buildWebpExtended(options: { width: number; height: number }): Buffer {
  const header = Buffer.alloc(10);
  header.writeUIntLE(options.width - 1, 4, 3);
  header.writeUIntLE(options.height - 1, 7, 3);
  return riff([riffChunk('VP8X', header), riffChunk('VP8L', vp8lData(options.width, options.height))]);
}

/** Lossy VP8 with a correct key-frame header and size; the partitions are placeholders. */
export function buildWebpLossyHeader(options: { width: number; height: number }): Buffer {
  const firstPartitionSize = 10;
  // frame tag: key frame (bit 0 = 0), version 0, show_frame (bit 4), partition size from bit 5
  const tag = (1 << 4) | (firstPartitionSize << 5);
  const data = Buffer.concat([
    Buffer.from([tag & 0xff, (tag >> 8) & 0xff, (tag >> 16) & 0xff, 0x9d, 0x01, 0x2a]),
    Buffer.from([options.width & 0xff, options.width >> 8, options.height & 0xff, options.height >> 8]),
    Buffer.alloc(firstPartitionSize),
  ]);
  return riff([riffChunk('VP8 ', data)]);
}

export type PressFields = Record<string, unknown>;

export function basePress(overrides: PressFields = {}): PressFields {
  return {
    v: 1,
    name: 'Dana Whitfield',
    email: 'dana@example.com',
    phone: '+1 555 0100',
    message: 'My printer shows an error and will not print the invoices.',
    selections: ['Printing', 'This is an emergency'],
    host: {
      hostname: 'PC-1.corp.local',
      username: 'CORP\\dana',
      domain: 'corp.local',
      localIp: '10.0.0.23',
      mac: '00:11:22:33:44:55',
      os: 'Windows 11 Pro 23H2',
      agentVersion: '1.4.2',
    },
    append: ['Default printer: HP LaserJet'],
    custom: { assetTag: 'A-1001', floor: 3, vip: false },
    ...overrides,
  };
}

export type FilePart = { name: 'screenshot' | 'attachment'; bytes: Uint8Array; filename: string; type?: string };

export function buildMultipart(press: PressFields | string | undefined, files: FilePart[] = []): FormData {
  const form = new FormData();
  if (press !== undefined) form.append('press', typeof press === 'string' ? press : JSON.stringify(press));
  for (const file of files) {
    form.append(file.name, new Blob([new Uint8Array(file.bytes)], { type: file.type ?? '' }), file.filename);
  }
  return form;
}
