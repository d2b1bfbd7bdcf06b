/** The checks `spinal doctor` runs, in the order it prints them. */
export type DoctorCheck =
  'board-config' | 'device-files' | 'groups' | 'serial-console' | 'gpio-numbering' | 'address-collisions' | 'i2c-scan';

/**
 * - `ok`: checked and fine.
 * - `warn`: worth knowing, or could not be checked; does not stop `spinal run`.
 * - `problem`: the robot will not work as configured until it is fixed.
 */
export type FindingStatus = 'ok' | 'warn' | 'problem';

/** One line of the doctor's report, in plain words, with the fix for anything not ok. */
export interface Finding {
  check: DoctorCheck;
  status: FindingStatus;
  /** What was found. */
  what: string;
  /** What to do about it, one step per entry; empty when nothing is to be done. */
  fix: string[];
}

export function ok(check: DoctorCheck, what: string): Finding {
  return { check, status: 'ok', what, fix: [] };
}

export function warn(check: DoctorCheck, what: string, ...fix: string[]): Finding {
  return { check, status: 'warn', what, fix };
}

export function problem(check: DoctorCheck, what: string, ...fix: string[]): Finding {
  return { check, status: 'problem', what, fix };
}

/** `0x40`: how I2C addresses are written in board configs and by i2cdetect. */
export function hexAddress(address: number): string {
  return `0x${address.toString(16).padStart(2, '0')}`;
}
