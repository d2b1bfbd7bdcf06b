/**
 * Netpbm greymap (PGM) images, as ROS `map_server` maps use them: `P5` (binary, one byte per
 * pixel up to maxval 255, two big-endian bytes above) and `P2` (ASCII). Header fields are
 * separated by whitespace, `#` starts a comment up to the end of the line (netpbm's pgm(5)).
 * Pure: bytes in, pixels out; a malformed image is an error naming what is wrong.
 */
export interface GreyImage {
  width: number;
  height: number;
  maxValue: number;
  /** Row-major from the top row, as the file stores it. */
  pixels: Uint16Array;
}

export class PgmFormatError extends Error {}

/** Longest header field read whole, bytes (a magic, a size, a maxval or a P2 pixel is far shorter). */
const MAX_TOKEN_BYTES = 32;

/** Reads a P5 or P2 image. Throws {@link PgmFormatError}. */
export function decodePgm(bytes: Uint8Array): GreyImage {
  let at = 0;
  const skipSpaceAndComments = (): void => {
    while (at < bytes.length) {
      const c = bytes[at] as number;
      if (c === 0x23) {
        while (at < bytes.length && bytes[at] !== 0x0a && bytes[at] !== 0x0d) at++;
      } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c) at++;
      else return;
    }
  };
  const token = (): string => {
    skipSpaceAndComments();
    const start = at;
    while (at < bytes.length && !isSpace(bytes[at] as number) && bytes[at] !== 0x23) at++;
    // No header field is longer; a longer run (a file that is no PGM) is cut and marked, so it matches nothing.
    if (at - start > MAX_TOKEN_BYTES)
      return `${String.fromCharCode(...bytes.subarray(start, start + MAX_TOKEN_BYTES))}…`;
    return String.fromCharCode(...bytes.subarray(start, at));
  };
  const magic = token();
  if (magic !== 'P5' && magic !== 'P2') throw new PgmFormatError(`not a PGM image (magic "${magic.slice(0, 8)}")`);
  const width = positiveInteger(token(), 'width');
  const height = positiveInteger(token(), 'height');
  const maxValue = positiveInteger(token(), 'maxval');
  if (maxValue > 65535) throw new PgmFormatError(`maxval ${maxValue} is above 65535`);
  // Every pixel takes at least a byte (P2: a digit and a separator), so a header announcing more
  // pixels than there are bytes is short: refused before the raster is allocated.
  if (width * height > bytes.length - at)
    throw new PgmFormatError(`the raster is short: ${bytes.length - at} bytes for ${width}x${height}`);
  const pixels = new Uint16Array(width * height);
  if (magic === 'P5') {
    at++; // exactly one whitespace byte ends the header
    const size = maxValue < 256 ? 1 : 2;
    if (bytes.length - at < pixels.length * size)
      throw new PgmFormatError(`the raster is short: ${bytes.length - at} bytes for ${width}x${height}`);
    for (let i = 0; i < pixels.length; i++) {
      pixels[i] =
        size === 1
          ? (bytes[at + i] as number)
          : ((bytes[at + 2 * i] as number) << 8) | (bytes[at + 2 * i + 1] as number);
    }
  } else {
    for (let i = 0; i < pixels.length; i++) {
      const text = token();
      if (text === '') throw new PgmFormatError(`the raster is short: ${i} values for ${width}x${height}`);
      const value = Number(text);
      if (!Number.isInteger(value) || value < 0 || value > maxValue)
        throw new PgmFormatError(`pixel ${i} is "${text.slice(0, 12)}", not 0..${maxValue}`);
      pixels[i] = value;
    }
  }
  for (let i = 0; i < pixels.length; i++) {
    if ((pixels[i] as number) > maxValue) throw new PgmFormatError(`pixel ${i} is above maxval ${maxValue}`);
  }
  return { width, height, maxValue, pixels };
}

/** Writes a P5 image with maxval 255 (pixels above 255 are clipped). */
export function encodePgm(
  image: { width: number; height: number; pixels: ArrayLike<number> },
  comment?: string,
): Uint8Array {
  const header = `P5\n${comment ? `# ${comment.replace(/[\r\n]/g, ' ')}\n` : ''}${image.width} ${image.height}\n255\n`;
  const out = new Uint8Array(header.length + image.width * image.height);
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  for (let i = 0; i < image.width * image.height; i++) out[header.length + i] = Math.min(255, image.pixels[i] ?? 0);
  return out;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

function positiveInteger(text: string, what: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !(value > 0))
    throw new PgmFormatError(`${what} is "${text.slice(0, 12)}", not a positive integer`);
  return value;
}
