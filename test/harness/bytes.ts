/** Bytes from hex pairs separated by spaces (`'A5 5A 05'`), as datasheets print them. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(text.split(' ').map((h) => parseInt(h, 16)));
}

/** The parts one after the other, in one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
