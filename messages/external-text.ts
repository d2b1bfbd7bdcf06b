/**
 * Text that comes from outside the robot's own code (an operator's e-stop reason, a request path, a
 * device's error message, a header) made safe to show: control characters (C0, DEL, C1, including
 * ESC and the newline) and the bidirectional-override marks are written as visible `\u001b`-style
 * escapes, so such text cannot forge lines in a log, move a terminal's cursor, set its title or
 * reorder what a reader sees. The one function every terminal, log and page writer uses for it.
 */

/** C0 controls, DEL, C1 controls, and the Unicode bidi embedding/override/isolate marks. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every unsafe character escaped as `\uXXXX`, cut to `maxLength` characters (default:
 * not cut) with `...` appended when cut. The result has no character a terminal interprets.
 */
export function sanitizeExternalText(text: string, maxLength = Infinity): string {
  const escaped = text.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength)}...` : escaped;
}
