/**
 * H-bridges driven straight from GPIO lines: two direction inputs and one PWM (enable) input per
 * bridge. Pure: the truth tables (command → input levels, input levels → what the bridge does),
 * the boards' pin names and the check of a board config's `pins`, with no I/O and no timers. The
 * driver writes the levels these functions give; the simulator decodes the levels it is sent.
 *
 * References:
 * - ST L298 data sheet (Jan 2000), "Application information" §1.2 "Input stage": "The In inputs set
 *   the bridge state when the En input is high; a low state of the En input inhibits the bridge";
 *   Figure 6 "Bidirectional DC motor control" (Figure 8 in later revisions), its table: Ven = H:
 *   C = H, D = L forward; C = L, D = H reverse; C = D fast motor stop. Ven = L: C, D don't care:
 *   free running motor stop. C and D are the bridge's two inputs (IN1, IN2).
 * - Toshiba TB6612FNG data sheet (2007-06-30), "H-SW control function" table (page 4):
 *   IN1 IN2 PWM STBY → OUT1 OUT2 mode
 *   H   H   H/L H    → L    L    short brake
 *   L   H   H   H    → L    H    CCW
 *   L   H   L   H    → L    L    short brake
 *   H   L   H   H    → H    L    CW
 *   H   L   L   H    → L    L    short brake
 *   L   L   H   H    → OFF (high impedance) stop
 *   x   x   x   L    → OFF (high impedance) standby
 *
 * Forward (positive duty) is IN1 high, IN2 low on both chips, as on the PCA9685 motor HATs.
 */
import { checkDuty } from '../bridge-codec.js';
import type { BridgeCommand, BridgeOutputState } from '../bridge-codec.js';

/** A logic level on one bridge input. */
export type PinLevel = 0 | 1;

/** The chips this codec knows. */
export type HBridgeChip = 'l298n' | 'tb6612fng';

/** The levels on one bridge's inputs: IN1, IN2, and the duty (0..1) of the PWM on its enable/PWM input. */
export interface HBridgeInputs {
  in1: PinLevel;
  in2: PinLevel;
  /** Fraction of the time the enable (L298 ENA/ENB) or PWM (TB6612 PWMA/PWMB) input is high, 0..1. */
  pwmDuty: number;
}

/**
 * The input levels that put one bridge in `command`.
 * - L298: drive = IN1/IN2 set the direction, EN carries the PWM; brake (fast motor stop) = IN1 = IN2 = H
 *   with EN held high; coast (free running stop) = EN low (IN1, IN2 low too).
 * - TB6612: drive = IN1/IN2 set the direction, PWM carries the duty (PWM low is a short brake, so the
 *   bridge alternates drive and short brake); brake = IN1 = IN2 = H (PWM held high); coast (stop) =
 *   IN1 = IN2 = L with PWM held high, the row of the table. STBY is per chip, not per bridge: see
 *   {@link decodeBridge}.
 * A duty of 0 keeps the forward direction: an L298 then coasts, a TB6612 short-brakes (PWM low).
 * @throws RangeError for a duty outside -1..1.
 */
export function bridgeInputs(chip: HBridgeChip, command: BridgeCommand): HBridgeInputs {
  switch (command.mode) {
    case 'drive': {
      const { duty } = command;
      checkDuty(duty);
      const reverse = duty < 0;
      return { in1: reverse ? 0 : 1, in2: reverse ? 1 : 0, pwmDuty: Math.abs(duty) };
    }
    case 'brake':
      return { in1: 1, in2: 1, pwmDuty: 1 };
    case 'coast':
      return chip === 'l298n' ? { in1: 0, in2: 0, pwmDuty: 0 } : { in1: 0, in2: 0, pwmDuty: 1 };
  }
}

/**
 * What a bridge does with these inputs, by its chip's truth table. Never throws: a duty outside
 * 0..1 is clamped, NaN is 0.
 * - L298: EN low (duty 0) → coast; IN1 = IN2 → brake (with a PWM on EN it alternates with free
 *   running, still a brake); otherwise drive at the EN duty, signed by IN1.
 * - TB6612: STBY low → coast (standby); IN1 = IN2 = H → brake; IN1 = IN2 = L → coast (the table gives
 *   PWM = H; with both inputs low neither half-bridge is driven whatever PWM does); otherwise drive at
 *   the PWM duty, signed by IN1, and a PWM held low is a short brake.
 * @param standby TB6612 only: the STBY level. Default 1 (out of standby; boards that tie STBY high).
 */
export function decodeBridge(chip: HBridgeChip, inputs: HBridgeInputs, standby: PinLevel = 1): BridgeOutputState {
  const duty = clampDuty(inputs.pwmDuty);
  const in1 = inputs.in1 === 1;
  const in2 = inputs.in2 === 1;
  if (chip === 'l298n') {
    if (duty === 0) return { duty: 0, mode: 'coast' };
    if (in1 === in2) return { duty: 0, mode: 'brake' };
    return { duty: in1 ? duty : -duty, mode: 'drive' };
  }
  if (standby !== 1) return { duty: 0, mode: 'coast' };
  if (in1 && in2) return { duty: 0, mode: 'brake' };
  if (!in1 && !in2) return { duty: 0, mode: 'coast' };
  if (duty === 0) return { duty: 0, mode: 'brake' };
  return { duty: in1 ? duty : -duty, mode: 'drive' };
}

function clampDuty(duty: number): number {
  if (!(duty > 0)) return 0;
  return duty >= 1 ? 1 : duty;
}

// ---------------------------------------------------------------------------------------------
// Pin names in board configs

/** The board-config pin names of one bridge: its two direction inputs and its PWM (enable) input. */
export interface BridgePinNames {
  readonly in1: string;
  readonly in2: string;
  readonly pwm: string;
}

/** A board's pin names: bridge name (`A`, `B`) to its pins, and the chip's standby pin if it has one. */
export interface HBridgePinNames {
  readonly chip: HBridgeChip;
  readonly bridges: Readonly<Record<string, BridgePinNames>>;
  /** TB6612 STBY: low puts both bridges in standby. Optional in a config: boards may tie it high. */
  readonly standby?: string;
}

/** L298N modules: IN1, IN2, ENA drive bridge A (OUT1, OUT2); IN3, IN4, ENB drive bridge B (OUT3, OUT4). */
export const L298N_PIN_NAMES: HBridgePinNames = Object.freeze({
  chip: 'l298n',
  bridges: Object.freeze({
    A: Object.freeze({ in1: 'in1', in2: 'in2', pwm: 'ena' }),
    B: Object.freeze({ in1: 'in3', in2: 'in4', pwm: 'enb' }),
  }),
});

/** TB6612FNG breakouts: AIN1, AIN2, PWMA drive bridge A; BIN1, BIN2, PWMB bridge B; STBY both. */
export const TB6612FNG_PIN_NAMES: HBridgePinNames = Object.freeze({
  chip: 'tb6612fng',
  bridges: Object.freeze({
    A: Object.freeze({ in1: 'ain1', in2: 'ain2', pwm: 'pwma' }),
    B: Object.freeze({ in1: 'bin1', in2: 'bin2', pwm: 'pwmb' }),
  }),
  standby: 'stby',
});

/** One wired bridge: its name and the GPIO line offsets of its inputs. */
export interface BridgeLines {
  name: string;
  in1: number;
  in2: number;
  /** The line of the PWM (enable) input; undefined when it is not in `pins` (hardware PWM names its channel instead). */
  pwm: number | undefined;
}

/** The bridges a board config wires, in name order, and the standby line if wired. */
export interface HBridgeWiring {
  bridges: BridgeLines[];
  standby: number | undefined;
}

/**
 * Which bridges a device node's `pins` wire. A bridge is wired when its two direction pins are
 * given; its PWM pin is needed only when `pwmPinRequired` (software PWM toggles that line).
 * @throws RangeError naming the pin for an unknown pin name, two pins on one line, a bridge with one
 *   direction pin but not the other, a software-PWM bridge without its PWM pin, or no bridge at all.
 */
export function resolveWiring(
  names: HBridgePinNames,
  pins: Readonly<Record<string, number>>,
  pwmPinRequired: boolean,
): HBridgeWiring {
  const known = new Set<string>();
  for (const bridge of Object.values(names.bridges)) for (const pin of Object.values(bridge)) known.add(pin);
  if (names.standby !== undefined) known.add(names.standby);
  const pinOfLine = new Map<number, string>();
  for (const [pin, line] of Object.entries(pins)) {
    if (!known.has(pin)) throw new RangeError(`unknown pin "${pin}"; this board has ${[...known].join(', ')}`);
    const other = pinOfLine.get(line);
    if (other !== undefined) throw new RangeError(`pins "${other}" and "${pin}" are both line ${line}`);
    pinOfLine.set(line, pin);
  }
  const bridges: BridgeLines[] = [];
  for (const [name, bridge] of Object.entries(names.bridges).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const in1 = pins[bridge.in1];
    const in2 = pins[bridge.in2];
    const pwm = pins[bridge.pwm];
    if (in1 === undefined && in2 === undefined) {
      if (pwm !== undefined)
        throw new RangeError(`pin "${bridge.pwm}" is given, but not "${bridge.in1}" and "${bridge.in2}"`);
      continue;
    }
    if (in1 === undefined || in2 === undefined) {
      const missing = in1 === undefined ? bridge.in1 : bridge.in2;
      throw new RangeError(`bridge ${name} needs pin "${missing}" as well`);
    }
    if (pwmPinRequired && pwm === undefined) {
      throw new RangeError(`bridge ${name} needs pin "${bridge.pwm}" for software PWM`);
    }
    bridges.push({ name, in1, in2, pwm });
  }
  if (bridges.length === 0) {
    const wanted = Object.values(names.bridges)
      .map((b) => `${b.in1}/${b.in2}`)
      .join(' or ');
    throw new RangeError(`no bridge is wired: give at least ${wanted}`);
  }
  const standby = names.standby === undefined ? undefined : pins[names.standby];
  return { bridges, standby };
}
