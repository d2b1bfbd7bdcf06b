/**
 * What the bridged transports of a {@link MockTransportBridge} share: the world's time, which
 * stamps everything the host sends (as the sim link's world stamps it), and a count of wire
 * activity, so the bridge can tell when the robot has gone quiet.
 */
export interface BridgeWire {
  /** Sim time the world has reached, microseconds: what a host write is stamped with. */
  worldUs(): number;
  /** Records that something crossed a wire. */
  touch(): void;
}

/**
 * An error shaped like the ones the native libraries throw (an `Error` with an errno `code`), which
 * the real backends turn into a TransportError with that code.
 */
export function errnoError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/** One turn of the event loop: what a call into a native library's thread pool takes at least. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
