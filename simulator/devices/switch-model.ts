import createDebug from 'debug';
import type { SwitchParams, SwitchRole } from '../../hal/digital-input/switch/params.js';
import type { SimGpioDevice, SimGpioEdge, SimGpioLine, SimStuckable, SimWorldView } from './sim-device.js';

const log = createDebug('spinal:sim:switch');

/** Edges of one contact bounce after a change: the new level, back, new, back, new. */
const BOUNCE_EDGES = 5;

/** A simulated switch, with the hands that press it and the faults a scenario can throw on it. */
export interface SwitchSimDevice extends SimGpioDevice, SimStuckable {
  readonly role: SwitchRole;
  /** Presses the button (an e-stop stays latched until {@link SwitchSimDevice.release}); a bumper held in. */
  press(): void;
  release(): void;
  /** Cuts the wire: the circuit opens and the pull-up holds the line HIGH, whatever the contact does. */
  cutWire(): void;
  /** Mends the cut wire. */
  repairWire(): void;
  /** The electrical level on the line now, as the host last saw it change. */
  level(): 0 | 1;
}

/** How a simulated switch behaves beyond its wiring. */
export interface SwitchSimOptions {
  /**
   * Contact bounce after each change, microseconds: the line flips back and forth within this
   * time before it settles (five edges). Default 0 (a clean edge).
   */
  bounceUs?: number;
}

/**
 * A switch on GPIO line `line` of `chipLabel`, wired as its params say, with a pull-up on the
 * line: `activeLow: false` is a normally-closed contact to ground (released LOW, pressed HIGH,
 * the e-stop wiring), `activeLow: true` a normally-open one (released HIGH, pressed LOW, the
 * bumper wiring). A cut wire reads HIGH either way. The model reports levels, never logical
 * states. An e-stop is pressed by {@link SwitchSimDevice.press}; a bumper is pressed while the
 * robot touches something ({@link SimWorldView.inContact}) or while pressed by hand. A change is
 * seen at the `advance` that finds it and stamped with that call's time; bounce edges follow.
 * Stuck, the line keeps its level (a welded contact).
 */
export function createSwitchSimDevice(
  chipLabel: string,
  line: number,
  role: SwitchRole,
  params: SwitchParams,
  options: SwitchSimOptions = {},
): SwitchSimDevice {
  const bounceUs = options.bounceUs ?? 0;
  if (!(bounceUs >= 0) || !Number.isFinite(bounceUs)) throw new RangeError(`bounceUs must be >= 0, got ${bounceUs}`);
  const wire: SimGpioLine = { chipLabel, line };
  let pressedByHand = false;
  let wireCut = false;
  let stuck = false;
  /** The level the host has seen (the last edge reported). */
  let wireLevel: 0 | 1 = electricalLevel(false);
  /** Edges due after the last advance (the rest of a bounce), in time order. */
  let pending: SimGpioEdge[] = [];

  function electricalLevel(pressed: boolean): 0 | 1 {
    if (wireCut) return 1;
    const contactClosed = params.activeLow ? pressed : !pressed;
    return contactClosed ? 0 : 1;
  }

  function settledLevel(): 0 | 1 {
    const last = pending[pending.length - 1];
    return last ? last.level : wireLevel;
  }

  function schedule(level: 0 | 1, atUs: number): void {
    pending = [];
    const other: 0 | 1 = level === 1 ? 0 : 1;
    if (bounceUs === 0) {
      pending.push({ chipLabel, line, level, simTimeUs: atUs });
      return;
    }
    const stepUs = bounceUs / (BOUNCE_EDGES - 1);
    for (let i = 0; i < BOUNCE_EDGES; i++) {
      pending.push({ chipLabel, line, level: i % 2 === 0 ? level : other, simTimeUs: Math.round(atUs + i * stepUs) });
    }
  }

  return {
    kind: 'gpio',
    role,
    lines: [wire],
    pwmChannels: [],
    hostWrite(_line: SimGpioLine, level: 0 | 1): void {
      log('%s line %d: the host wrote %d to a switch input; ignored', chipLabel, line, level);
    },
    hostPwm(): void {},
    read(): 0 | 1 {
      return wireLevel;
    },
    advance(toUs: number, world: SimWorldView): SimGpioEdge[] {
      if (!stuck) {
        const pressed = pressedByHand || (role === 'bumper' && world.inContact());
        const target = electricalLevel(pressed);
        if (target !== settledLevel()) schedule(target, toUs);
      }
      const out: SimGpioEdge[] = [];
      while (pending.length > 0 && (pending[0] as SimGpioEdge).simTimeUs <= toUs) {
        const edge = pending.shift() as SimGpioEdge;
        if (edge.level === wireLevel) continue;
        wireLevel = edge.level;
        out.push(edge);
      }
      return out;
    },
    press(): void {
      log('%s line %d: %s pressed', chipLabel, line, role);
      pressedByHand = true;
    },
    release(): void {
      log('%s line %d: %s released', chipLabel, line, role);
      pressedByHand = false;
    },
    cutWire(): void {
      log('%s line %d: wire cut', chipLabel, line);
      wireCut = true;
    },
    repairWire(): void {
      log('%s line %d: wire mended', chipLabel, line);
      wireCut = false;
    },
    level(): 0 | 1 {
      return wireLevel;
    },
    setStuck(value: boolean): void {
      log('%s line %d: %s', chipLabel, line, value ? 'stuck' : 'free');
      stuck = value;
      if (stuck) pending = [];
    },
  };
}
