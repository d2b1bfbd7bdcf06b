import createDebug from 'debug';
import {
  L298N_PIN_NAMES,
  TB6612FNG_PIN_NAMES,
  decodeBridge,
  resolveWiring,
} from '../../hal/motor/gpio-hbridge/codec.js';
import type { BridgeOutputState } from '../../hal/motor/bridge-codec.js';
import type { HBridgeInputs, HBridgePinNames, PinLevel } from '../../hal/motor/gpio-hbridge/codec.js';
import type { GpioHBridgeParams } from '../../hal/motor/gpio-hbridge/params.js';
import type {
  SimGpioDevice,
  SimGpioEdge,
  SimGpioLine,
  SimMotorOutputs,
  SimPwmChannel,
  SimWorldView,
} from './sim-device.js';

const log = createDebug('spinal:sim:gpio-hbridge');

/** The boards this model simulates, by their compatible strings. */
export type GpioHBridgeCompatible = 'st,l298n' | 'toshiba,tb6612fng-gpio';

const PIN_NAMES: Record<GpioHBridgeCompatible, HBridgePinNames> = {
  'st,l298n': L298N_PIN_NAMES,
  'toshiba,tb6612fng-gpio': TB6612FNG_PIN_NAMES,
};

/** Software PWM duty is averaged over this many PWM periods. */
const SOFTWARE_PWM_WINDOW_PERIODS = 4;

/** What the host drives on one bridge, as the model sees it. */
export interface BridgeInputsSeen extends HBridgeInputs {
  /** STBY (TB6612); 1 when the board has none or does not wire it. */
  standby: PinLevel;
}

/** A simulated GPIO H-bridge board, plus the fault hook scenarios use. */
export interface GpioHBridgeSimDevice extends SimGpioDevice, SimMotorOutputs {
  /** Bridge names it has, `A` and/or `B`. */
  readonly bridgeNames: readonly string[];
  /** The motor supply is there (default) or lost: without it every bridge coasts, whatever its inputs say. */
  setPowered(powered: boolean): void;
  /** The levels on one bridge's inputs now. @throws RangeError for a bridge the board does not have. */
  inputs(bridge: string): BridgeInputsSeen;
}

/** The level changes of one line over a sliding window, for the time-weighted duty of software PWM. */
class LevelHistory {
  /** In time order; the first one is the last change at or before the window's start, if any. */
  private changes: Array<{ atUs: number; level: PinLevel }> = [];
  private current: PinLevel = 0;

  constructor(private readonly windowUs: number) {}

  set(level: PinLevel, atUs: number): void {
    if (level === this.current) return;
    this.current = level;
    this.changes.push({ atUs, level });
  }

  /** Fraction of (nowUs − window, nowUs] the line was high; the line starts low. */
  duty(nowUs: number): number {
    const fromUs = nowUs - this.windowUs;
    let baseline = 0;
    while (baseline + 1 < this.changes.length && (this.changes[baseline + 1]?.atUs ?? Infinity) <= fromUs) baseline++;
    if (baseline > 0) this.changes = this.changes.slice(baseline);
    let level: PinLevel = 0;
    let sinceUs = fromUs;
    let highUs = 0;
    for (const change of this.changes) {
      const atUs = Math.max(change.atUs, fromUs);
      if (atUs > nowUs) break;
      if (level === 1) highUs += atUs - sinceUs;
      level = change.level;
      sinceUs = atUs;
    }
    if (level === 1) highUs += nowUs - sinceUs;
    return highUs / this.windowUs;
  }
}

interface BridgeState {
  in1: PinLevel;
  in2: PinLevel;
  /** Hardware PWM. */
  pwm: { duty: number; enabled: boolean };
  /** Software PWM: the enable line's history. */
  enableLine: LevelHistory | undefined;
}

type LineRole = { bridge: string; input: 'in1' | 'in2' | 'pwm' } | { bridge: undefined; input: 'standby' };

/**
 * An L298N or TB6612FNG board on simulated GPIO lines and PWM channels, wired as the board config
 * says (`pins` on the bus's chip, `params.pwm`). It keeps the levels the host writes on IN1/IN2 (and
 * STBY), the duty and enable of each hardware PWM channel, and, in software PWM mode, the history of
 * each enable line; `output('A')` decodes them with the chip's truth table (the driver's codec).
 *
 * Software PWM: the duty is the time-weighted level of the enable line over the last four PWM
 * periods, from the sim times the writes carry. The link gives a write the world's time when it
 * handles it, which is one time for every write of a quantum, so a software PWM between 0 and 1 is
 * seen no finer than the quantum; steady levels (duty 0 or 1, brake, coast) are exact. Simulated
 * boards should use hardware PWM.
 *
 * @param compatible `st,l298n` or `toshiba,tb6612fng-gpio`.
 * @param chipLabel The GPIO bus's chip label, e.g. `pinctrl-bcm2711`.
 * @param pins The device node's `pins` (line offsets by pin name).
 * @param params The device node's validated params (`l298nParamsSchema` / `tb6612GpioParamsSchema`).
 * @throws RangeError for pins the board does not have, or a hardware-PWM bridge without its channel.
 */
export function createGpioHBridgeSimDevice(
  compatible: GpioHBridgeCompatible,
  chipLabel: string,
  pins: Readonly<Record<string, number>>,
  params: GpioHBridgeParams,
): GpioHBridgeSimDevice {
  const names = PIN_NAMES[compatible];
  const software = params.pwm.mode === 'software';
  const wiring = resolveWiring(names, pins, software);
  const windowUs = (SOFTWARE_PWM_WINDOW_PERIODS * 1e6) / params.pwm.frequencyHz;

  const bridges = new Map<string, BridgeState>();
  const roles = new Map<number, LineRole>();
  const pwmRoles = new Map<string, string>();
  const lines: SimGpioLine[] = [];
  const pwmChannels: SimPwmChannel[] = [];
  const levels = new Map<number, PinLevel>();

  for (const bridge of wiring.bridges) {
    bridges.set(bridge.name, {
      in1: 0,
      in2: 0,
      pwm: { duty: 0, enabled: false },
      enableLine: software ? new LevelHistory(windowUs) : undefined,
    });
    roles.set(bridge.in1, { bridge: bridge.name, input: 'in1' });
    roles.set(bridge.in2, { bridge: bridge.name, input: 'in2' });
    if (software && bridge.pwm !== undefined) {
      roles.set(bridge.pwm, { bridge: bridge.name, input: 'pwm' });
    } else if (!software) {
      const channel = params.pwm.channels[bridge.name as 'A' | 'B'];
      if (!channel) throw new RangeError(`bridge ${bridge.name} has no params.pwm.channels.${bridge.name}`);
      pwmChannels.push({ chip: channel.chip, channel: channel.channel });
      pwmRoles.set(pwmKey(channel.chip, channel.channel), bridge.name);
    }
  }
  if (wiring.standby !== undefined) roles.set(wiring.standby, { bridge: undefined, input: 'standby' });
  for (const line of roles.keys()) lines.push({ chipLabel, line });

  let powered = true;
  let nowUs = 0;
  const bridgeNames = [...bridges.keys()];

  const stateOf = (bridge: string): BridgeState => {
    const state = bridges.get(bridge);
    if (!state) throw new RangeError(`unknown bridge "${bridge}"; this board has ${bridgeNames.join(', ')}`);
    return state;
  };
  const standby = (): PinLevel => (wiring.standby === undefined ? 1 : (levels.get(wiring.standby) ?? 0));
  const inputsOf = (bridge: string): BridgeInputsSeen => {
    const state = stateOf(bridge);
    const pwmDuty = state.enableLine ? state.enableLine.duty(nowUs) : state.pwm.enabled ? state.pwm.duty : 0;
    return { in1: state.in1, in2: state.in2, pwmDuty, standby: standby() };
  };

  return {
    kind: 'gpio',
    lines,
    pwmChannels,
    bridgeNames,
    hostWrite(line: SimGpioLine, level: 0 | 1, simTimeUs: number): void {
      nowUs = Math.max(nowUs, simTimeUs);
      const role = line.chipLabel === chipLabel ? roles.get(line.line) : undefined;
      if (!role) return;
      const value: PinLevel = level === 1 ? 1 : 0;
      levels.set(line.line, value);
      if (role.input === 'standby') return;
      const state = stateOf(role.bridge);
      if (role.input === 'pwm') state.enableLine?.set(value, simTimeUs);
      else state[role.input] = value;
    },
    hostPwm(channel: SimPwmChannel, duty: number, enabled: boolean, simTimeUs: number): void {
      nowUs = Math.max(nowUs, simTimeUs);
      const bridge = pwmRoles.get(pwmKey(channel.chip, channel.channel));
      if (bridge === undefined) return;
      const state = stateOf(bridge);
      state.pwm = { duty: Number.isFinite(duty) ? Math.max(0, Math.min(1, duty)) : 0, enabled: enabled === true };
    },
    read(line: SimGpioLine): 0 | 1 {
      return line.chipLabel === chipLabel ? (levels.get(line.line) ?? 0) : 0;
    },
    advance(toUs: number, _world: SimWorldView): SimGpioEdge[] {
      nowUs = Math.max(nowUs, toUs);
      return [];
    },
    output(bridge: string): BridgeOutputState {
      const inputs = inputsOf(bridge);
      if (!powered) return { duty: 0, mode: 'coast' };
      return decodeBridge(names.chip, inputs, inputs.standby);
    },
    inputs: inputsOf,
    setPowered(value: boolean): void {
      log('%s on %s: motor supply %s', compatible, chipLabel, value ? 'on' : 'lost');
      powered = value;
    },
  };
}

function pwmKey(chip: string, channel: number): string {
  return `${chip}/${channel}`;
}
