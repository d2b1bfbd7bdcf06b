/**
 * The modem-line side channel of a simulated serial port: a pure codec, no I/O.
 *
 * A pseudo-terminal has no modem lines: `TIOCMSET` on a pty fails with ENOTTY, so a host cannot
 * raise or drop DTR and RTS on it, and a device that listens to them (the RPLIDAR A1's motor
 * runs while DTR is cleared) would never hear them. `spinal sim --pty` therefore opens, beside
 * the device end of every pseudo-terminal, a Unix stream socket at {@link modemLinesPathFor}:
 * the host connects to it when it opens the tty and writes one line of JSON per change of the
 * lines, `{"dtr":false,"rts":true}\n` (`true` = asserted, as `serialport`'s `set()` takes them;
 * a line left out keeps its level). Connecting says "the port was opened", which on Linux raises
 * both lines; the first message follows at once. Anything at the other end of a pty can drive
 * the lines this way, e.g. `echo '{"dtr":false}' | socat - UNIX-CONNECT:<path>`.
 */

/** The levels of the two output modem lines; a line left out keeps its level. */
export interface ModemLineLevels {
  dtr?: boolean;
  rts?: boolean;
}

/** Longest line accepted, characters; a longer one is dropped as malformed. */
const MAX_LINE_LENGTH = 256;

/** Where the modem-line socket of the pseudo-terminal whose simulator end is `ptyDeviceEnd` lives. */
export function modemLinesPathFor(ptyDeviceEnd: string): string {
  return `${ptyDeviceEnd}.lines`;
}

/** One message: the lines given, as a JSON line. */
export function encodeModemLines(levels: ModemLineLevels): string {
  const message: ModemLineLevels = {};
  if (levels.dtr !== undefined) message.dtr = levels.dtr;
  if (levels.rts !== undefined) message.rts = levels.rts;
  return `${JSON.stringify(message)}\n`;
}

/** What a decoder has seen; counters only grow. */
export interface ModemLinesDecoderCounters {
  messages: number;
  /** Lines that were not a JSON object of booleans `dtr` / `rts`, or were too long. */
  malformed: number;
}

/** Turns the text a host writes into line changes, whatever the chunking. Never throws. */
export class ModemLinesDecoder {
  private held = '';
  private overlong = false;
  private readonly stats: ModemLinesDecoderCounters = { messages: 0, malformed: 0 };

  push(text: string): ModemLineLevels[] {
    const out: ModemLineLevels[] = [];
    let from = 0;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
      const line = this.held + text.slice(from, at);
      from = at + 1;
      this.held = '';
      const wasOverlong = this.overlong;
      this.overlong = false;
      const levels = wasOverlong ? undefined : parseLine(line);
      if (levels) {
        this.stats.messages++;
        out.push(levels);
      } else if (line.trim() !== '' || wasOverlong) {
        this.stats.malformed++;
      }
    }
    this.held += text.slice(from);
    if (this.held.length > MAX_LINE_LENGTH) {
      this.held = '';
      this.overlong = true;
    }
    return out;
  }

  counters(): ModemLinesDecoderCounters {
    return { ...this.stats };
  }
}

function parseLine(line: string): ModemLineLevels | undefined {
  if (line.length > MAX_LINE_LENGTH) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const levels: ModemLineLevels = {};
  for (const key of Object.keys(record)) {
    const level = record[key];
    if ((key !== 'dtr' && key !== 'rts') || typeof level !== 'boolean') return undefined;
    levels[key] = level;
  }
  return levels;
}
