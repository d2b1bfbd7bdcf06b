/** A wire message through its bytes and back, as a peer or a supervisor would receive it. */
export function throughBytes<W>(
  codec: { encode(message: W): { finish(): Uint8Array }; decode(bytes: Uint8Array): W },
  message: W,
): W {
  return codec.decode(codec.encode(message).finish());
}
