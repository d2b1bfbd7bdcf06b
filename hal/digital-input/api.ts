import type { Device } from '../device-api.js';
import type { Unsubscribe } from '../listener-list.js';

/** What a digital input means to the robot. */
export type DigitalInputRole = 'estop' | 'bumper' | 'switch';

/**
 * A switch on a GPIO line: an e-stop button, a bumper. `active` means "pressed / tripped". For an
 * e-stop the input is fail-safe: an open circuit, a lost line or an unreadable line reads active.
 */
export interface DigitalInputState {
  active: boolean;
  /** Why it reads as it does ("pressed", "released", "line lost: treated as pressed"). */
  reason: string;
  /**
   * False while the state is only the fail-safe default because the line has not been read yet
   * (start-up) or the device is stopped; true once it reflects the line.
   */
  known?: boolean;
  stampUs: number;
}

export interface DigitalInputDevice extends Device {
  readonly kind: 'digital-input';
  readonly role: DigitalInputRole;
  onChange(listener: (state: DigitalInputState) => void): Unsubscribe;
  state(): DigitalInputState;
}

export function isDigitalInput(device: Device): device is DigitalInputDevice {
  return device.kind === 'digital-input';
}
