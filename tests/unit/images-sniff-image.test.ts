import { describe, expect, it } from 'vitest';
import { sniffImage } from '@/lib/images/sniff-image';
import {
  buildJpeg,
  buildPixelBombPng,
  buildPng,
  buildWebpExtended,
  buildWebpLossless,
  buildWebpLossyHeader,
} from '@/tests/support/press-fixtures';

describe('sniffImage', () => {
  it('recognises PNG, JPEG and the three WebP flavours with their size', () => {
    expect(sniffImage(buildPng({ width: 31, height: 7 }))).toEqual({ ok: true, type: 'image/png', width: 31, height: 7 });
    expect(sniffImage(buildJpeg({ width: 1920, height: 1080 }))).toEqual({
      ok: true,
      type: 'image/jpeg',
      width: 1920,
      height: 1080,
    });
    expect(sniffImage(buildWebpLossless({ width: 640, height: 480 }))).toEqual({
      ok: true,
      type: 'image/webp',
      width: 640,
      height: 480,
    });
    expect(sniffImage(buildWebpExtended({ width: 5000, height: 3000 }))).toEqual({
      ok: true,
      type: 'image/webp',
      width: 5000,
      height: 3000,
    });
    expect(sniffImage(buildWebpLossyHeader({ width: 800, height: 600 }))).toEqual({
      ok: true,
      type: 'image/webp',
      width: 800,
      height: 600,
    });
  });

  it('reads the claimed size of a pixel bomb without decoding it', () => {
    expect(sniffImage(buildPixelBombPng())).toEqual({ ok: true, type: 'image/png', width: 100_000, height: 100_000 });
  });

  it('walks past JPEG segments and fill bytes to the frame header', () => {
    const jpeg = buildJpeg({ width: 12, height: 34 });
    // An APP1 segment and two fill bytes between SOI and the rest.
    const withExtra = Buffer.concat([
      jpeg.subarray(0, 2),
      Buffer.from([0xff, 0xe1, 0x00, 0x06, 1, 2, 3, 4, 0xff, 0xff]),
      jpeg.subarray(2),
    ]);
    expect(sniffImage(withExtra)).toMatchObject({ ok: true, width: 12, height: 34 });
  });

  it('rejects bytes whose magic is not an image, whatever they are called', () => {
    expect(sniffImage(Buffer.from('<html>not a png</html>'))).toEqual({ ok: false, reason: 'unrecognized' });
    expect(sniffImage(Buffer.from('GIF89a\x01\x00\x01\x00'))).toEqual({ ok: false, reason: 'unrecognized' });
    expect(sniffImage(new Uint8Array(0))).toEqual({ ok: false, reason: 'unrecognized' });
    const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]);
    expect(sniffImage(wav)).toEqual({ ok: false, reason: 'unrecognized' });
    // A PNG with one byte of its signature changed is not a PNG.
    const png = buildPng({ width: 2, height: 2 });
    png[1] = 0x51;
    expect(sniffImage(png)).toEqual({ ok: false, reason: 'unrecognized' });
  });

  it('rejects truncated headers of every format', () => {
    expect(sniffImage(buildPng({ width: 2, height: 2 }).subarray(0, 20))).toMatchObject({ ok: false, reason: 'truncated' });
    expect(sniffImage(buildPng({ width: 2, height: 2 }).subarray(0, 5))).toMatchObject({ ok: false, reason: 'truncated' });
    const jpeg = buildJpeg({ width: 8, height: 8 });
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sniffImage(jpeg.subarray(0, sof + 6))).toMatchObject({ ok: false, reason: 'truncated', type: 'image/jpeg' });
    expect(sniffImage(jpeg.subarray(0, 2))).toMatchObject({ ok: false, reason: 'truncated' });
    expect(sniffImage(buildWebpLossless({ width: 4, height: 4 }).subarray(0, 22))).toMatchObject({
      ok: false,
      reason: 'truncated',
      type: 'image/webp',
    });
    expect(sniffImage(buildWebpExtended({ width: 4, height: 4 }).subarray(0, 16))).toMatchObject({
      ok: false,
      reason: 'truncated',
    });
    expect(sniffImage(Buffer.from('RIFF'))).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('rejects damaged headers behind valid magic bytes', () => {
    const png = buildPng({ width: 2, height: 2 });
    png.write('IHDX', 12, 'ascii');
    expect(sniffImage(png)).toMatchObject({ ok: false, reason: 'invalid', type: 'image/png' });

    const zeroWidth = buildPng({ width: 2, height: 2 });
    zeroWidth.writeUInt32BE(0, 16);
    expect(sniffImage(zeroWidth)).toMatchObject({ ok: false, reason: 'invalid' });

    const hugePng = buildPng({ width: 2, height: 2 });
    hugePng.writeUInt32BE(0x80000000, 20);
    expect(sniffImage(hugePng)).toMatchObject({ ok: false, reason: 'invalid' });

    // Scan data before any frame header: no size to read.
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9]))).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    // A segment length below 2 would loop forever if trusted.
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0x00]))).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    // Height 0 (size deferred to a DNL marker) cannot be bounded.
    expect(sniffImage(buildJpeg({ width: 16, height: 0 }))).toMatchObject({ ok: false, reason: 'invalid' });

    const webp = buildWebpLossless({ width: 4, height: 4 });
    webp[20] = 0x00;
    expect(sniffImage(webp)).toMatchObject({ ok: false, reason: 'invalid', type: 'image/webp' });
    const lossy = buildWebpLossyHeader({ width: 4, height: 4 });
    lossy[23] = 0x00;
    expect(sniffImage(lossy)).toMatchObject({ ok: false, reason: 'invalid' });
    const alpha = buildWebpLossless({ width: 4, height: 4 });
    alpha.write('ALPH', 12, 'ascii');
    expect(sniffImage(alpha)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
