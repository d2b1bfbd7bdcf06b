/** Where a motion request comes from, in override order (BRIEF §1): manual and mission below safety. */
export type DriveSource = 'cortex' | 'manual';

/** A request for body motion, to the reflex (the only path to the motors). */
export interface DriveCommand {
  source: DriveSource;
  /** Forward speed, metres per second (negative: reverse). */
  vMps: number;
  /** Turn rate, radians per second, counter-clockwise positive. */
  wRadps: number;
  /** Clock time at which the command was issued, microseconds. */
  stampUs: number;
}

/** What the reflex actually sent to the motors, and since when. */
export interface AppliedDrive {
  vMps: number;
  wRadps: number;
  stampUs: number;
}
