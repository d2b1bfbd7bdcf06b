import type { Device } from '../device-api.js';

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
  stampUs: number;
}

export interface DigitalInputDevice extends Device {
  readonly kind: 'digital-input';
  readonly role: DigitalInputRole;
  onChange(listener: (state: DigitalInputState) => void): void;
  state(): DigitalInputState;
}

export function isDigitalInput(device: Device): device is DigitalInputDevice {
  return device.kind === 'digital-input';
}
