/**
 * Recognises PNG, JPEG and WebP by their magic bytes and reads the pixel size from the
 * header alone, so a decompression bomb is refused before anything decodes it. Names and
 * declared content types are never consulted: they are whatever the sender claims.
 */

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';

export type SniffedImage = { ok: true; type: ImageType; width: number; height: number };

export type SniffFailure = {
  ok: false;
  /** unrecognized: no known magic bytes; truncated: cut before the size; invalid: known format, broken header. */
  reason: 'unrecognized' | 'truncated' | 'invalid';
  /** The format the magic bytes announced, when they did. */
  type?: ImageType;
};

export type SniffResult = SniffedImage | SniffFailure;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// PNG caps each dimension at 2^31 - 1.
const PNG_MAX_DIMENSION = 0x7fffffff;

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function u16le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

function u24le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
}

function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) >>> 0) + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

function sized(type: ImageType, width: number, height: number): SniffResult {
  if (width <= 0 || height <= 0) return { ok: false, reason: 'invalid', type };
  return { ok: true, type, width, height };
}

function sniffPng(b: Uint8Array): SniffResult {
  const type = 'image/png';
  // signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4)
  if (b.length < 24) return { ok: false, reason: 'truncated', type };
  if (u32be(b, 8) !== 13 || ascii(b, 12, 4) !== 'IHDR') return { ok: false, reason: 'invalid', type };
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  if (width > PNG_MAX_DIMENSION || height > PNG_MAX_DIMENSION) return { ok: false, reason: 'invalid', type };
  return sized(type, width, height);
}

// SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC): the markers that carry the frame size.
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function sniffJpeg(b: Uint8Array): SniffResult {
  const type = 'image/jpeg';
  let offset = 2;
  // Each pass consumes at least one byte, so the walk ends within b.length steps.
  while (offset < b.length) {
    if (b[offset] !== 0xff) return { ok: false, reason: 'invalid', type };
    // Any number of 0xFF fill bytes may precede a marker.
    while (offset < b.length && b[offset] === 0xff) offset += 1;
    if (offset >= b.length) break;
    const marker = b[offset]!;
    offset += 1;
    // Standalone markers have no length field.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    // Image data or the end before any frame header: there is no size to read.
    if (marker === 0xd9 || marker === 0xda) return { ok: false, reason: 'invalid', type };
    if (offset + 2 > b.length) break;
    const length = u16be(b, offset);
    if (length < 2) return { ok: false, reason: 'invalid', type };
    if (isStartOfFrame(marker)) {
      // length (2) + precision (1) + height (2) + width (2)
      if (offset + 7 > b.length) break;
      // Height 0 defers the size to a later DNL marker; we refuse what we cannot bound.
      return sized(type, u16be(b, offset + 5), u16be(b, offset + 3));
    }
    offset += length;
  }
  return { ok: false, reason: 'truncated', type };
}

function sniffWebp(b: Uint8Array): SniffResult {
  const type = 'image/webp';
  // RIFF header (12) + first chunk header (8)
  if (b.length < 20) return { ok: false, reason: 'truncated', type };
  const chunk = ascii(b, 12, 4);
  const data = 20;
  if (chunk === 'VP8 ') {
    // frame tag (3) + start code 9D 01 2A (3) + width (2) + height (2), 14 bits each
    if (b.length < data + 10) return { ok: false, reason: 'truncated', type };
    if (!startsWith(b, [0x9d, 0x01, 0x2a], data + 3)) return { ok: false, reason: 'invalid', type };
    // Bit 0 of the frame tag is 0 for a key frame; a still image must start with one.
    if ((b[data]! & 0x01) !== 0) return { ok: false, reason: 'invalid', type };
    return sized(type, u16le(b, data + 6) & 0x3fff, u16le(b, data + 8) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    // signature 0x2F, then 14 bits width-1 and 14 bits height-1, little-endian bit order
    if (b.length < data + 5) return { ok: false, reason: 'truncated', type };
    if (b[data] !== 0x2f) return { ok: false, reason: 'invalid', type };
    const bits = (b[data + 1]! | (b[data + 2]! << 8) | (b[data + 3]! << 16) | (b[data + 4]! << 24)) >>> 0;
    const width = (bits & 0x3fff) + 1;
    const height = ((bits >>> 14) & 0x3fff) + 1;
    // The top 3 bits are the version, which must be 0.
    if (bits >>> 29 !== 0) return { ok: false, reason: 'invalid', type };
    return sized(type, width, height);
  }
  if (chunk === 'VP8X') {
    // flags (1) + reserved (3) + canvas width-1 (3) + canvas height-1 (3)
    if (b.length < data + 10) return { ok: false, reason: 'truncated', type };
    return sized(type, u24le(b, data + 4) + 1, u24le(b, data + 7) + 1);
  }
  return { ok: false, reason: 'invalid', type };
}

export function sniffImage(bytes: Uint8Array): SniffResult {
  if (startsWith(bytes, PNG_SIGNATURE)) return sniffPng(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return sniffJpeg(bytes);
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && bytes.length >= 12 && ascii(bytes, 8, 4) === 'WEBP') {
    return sniffWebp(bytes);
  }
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && bytes.length < 12) {
    return { ok: false, reason: 'truncated' };
  }
  // A prefix of a known signature is a cut file, not a foreign one.
  for (const signature of [PNG_SIGNATURE, [0xff, 0xd8, 0xff]]) {
    if (bytes.length > 0 && bytes.length < signature.length && bytes.every((b, i) => signature[i] === b)) {
      return { ok: false, reason: 'truncated' };
    }
  }
  return { ok: false, reason: 'unrecognized' };
}
