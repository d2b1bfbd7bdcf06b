/**
 * How a device model says where its node is wired: whether the node gives an I2C `address`, and
 * which GPIO lines it names in `pins`. The declarations are data on the model's registration (see
 * `DeviceModel` in `registry.ts`); `wiringProblem` checks a node against them once, when the board's
 * devices are resolved, so `spinal run`, `spinal sim` and `spinal doctor` refuse the same boards
 * with the same message. Pure: no I/O.
 */

/**
 * Whether a node of the model gives an I2C address: `required` for a chip on an I2C bus, `none`
 * for every other device (a serial or GPIO device has no address on its bus).
 */
export type AddressDeclaration = 'required' | 'none';

/** Pins given together or not at all, such as one bridge of a dual H-bridge. */
export interface PinSet {
  /** For messages: `bridge A`. */
  readonly name: string;
  /** Pins that wire the set: all of them, or none. */
  readonly pins: readonly string[];
  /** Pins the set may also have, only when its `pins` are given (a bridge's PWM input). */
  readonly extras: readonly string[];
}

/**
 * The GPIO lines a node names in `pins` (line offsets on its bus's chip). Every line is named
 * once per node. Which one a model has:
 * - `none`: no pins (serial and I2C devices);
 * - `named`: a fixed set of names: each of `required`, any of `optional`, and at least
 *   `minimumSets` of `sets` wired;
 * - `paired`: any number of channels (at least one), each a pair of pins named `<channel>` plus
 *   each of `suffixes` (`leftA`, `leftB`).
 */
export type PinDeclaration =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'named';
      readonly required: readonly string[];
      readonly optional: readonly string[];
      readonly sets: readonly PinSet[];
      readonly minimumSets: number;
    }
  | { readonly kind: 'paired'; readonly suffixes: readonly [string, string]; readonly example: string };

/** A model's pins: none. */
export const NO_PINS: PinDeclaration = Object.freeze({ kind: 'none' });

/** A model's pins by name; every list defaults to empty, `minimumSets` to 0. */
export function namedPins(declaration: {
  required?: readonly string[];
  optional?: readonly string[];
  sets?: readonly PinSet[];
  minimumSets?: number;
}): PinDeclaration {
  return Object.freeze({
    kind: 'named',
    required: declaration.required ?? [],
    optional: declaration.optional ?? [],
    sets: declaration.sets ?? [],
    minimumSets: declaration.minimumSets ?? 0,
  });
}

/** What a node gives for its wiring. */
export interface NodeWiring {
  address: number | undefined;
  pins: Readonly<Record<string, number>>;
}

/** One problem with a node: `field` is relative to the node (`pins.in`, `address`, `params.pwm`). */
export interface WiringProblem {
  field: string;
  problem: string;
}

/** The part of a model that its node's wiring is checked against. */
export interface WiringDeclarations {
  compatible: string;
  address: AddressDeclaration;
  pins: PinDeclaration;
}

/** The first way the node's address and pins differ from what the model declares, or undefined. */
export function wiringProblem(model: WiringDeclarations, node: NodeWiring): WiringProblem | undefined {
  return addressProblem(model, node.address) ?? pinsProblem(model, node.pins);
}

function addressProblem(model: WiringDeclarations, address: number | undefined): WiringProblem | undefined {
  if (model.address === 'required' && address === undefined) {
    return { field: 'address', problem: `is required: "${model.compatible}" is an I2C chip` };
  }
  if (model.address === 'none' && address !== undefined) {
    return { field: 'address', problem: `must not be set: "${model.compatible}" has no I2C address` };
  }
  return undefined;
}

function pinsProblem(model: WiringDeclarations, pins: Readonly<Record<string, number>>): WiringProblem | undefined {
  const declaration = model.pins;
  const names = Object.keys(pins);
  if (declaration.kind === 'none') {
    const first = names[0];
    return first === undefined ? undefined : { field: `pins.${first}`, problem: `"${model.compatible}" has no pins` };
  }
  const shared = sharedLine(pins);
  if (shared) return shared;
  return declaration.kind === 'named'
    ? namedPinsProblem(model.compatible, declaration, pins)
    : pairedPinsProblem(model.compatible, declaration, pins);
}

/** The second of two pins on one line. */
function sharedLine(pins: Readonly<Record<string, number>>): WiringProblem | undefined {
  const pinOfLine = new Map<number, string>();
  for (const [pin, line] of Object.entries(pins)) {
    const other = pinOfLine.get(line);
    if (other !== undefined) return { field: `pins.${pin}`, problem: `is line ${line}, as is pins.${other}` };
    pinOfLine.set(line, pin);
  }
  return undefined;
}

function namedPinsProblem(
  compatible: string,
  declaration: Extract<PinDeclaration, { kind: 'named' }>,
  pins: Readonly<Record<string, number>>,
): WiringProblem | undefined {
  const known = [
    ...declaration.required,
    ...declaration.sets.flatMap((set) => [...set.pins, ...set.extras]),
    ...declaration.optional,
  ];
  const unknown = Object.keys(pins).find((pin) => !known.includes(pin));
  if (unknown !== undefined) {
    return { field: `pins.${unknown}`, problem: `unknown pin: "${compatible}" has ${known.join(', ')}` };
  }
  const missing = declaration.required.find((pin) => pins[pin] === undefined);
  if (missing !== undefined) return { field: `pins.${missing}`, problem: `is required by "${compatible}"` };
  let wired = 0;
  for (const set of declaration.sets) {
    const given = set.pins.filter((pin) => pins[pin] !== undefined);
    if (given.length === 0) {
      const extra = set.extras.find((pin) => pins[pin] !== undefined);
      if (extra !== undefined) {
        return { field: `pins.${extra}`, problem: `is given, but ${set.name} has no ${pinList(set.pins)}` };
      }
      continue;
    }
    const absent = set.pins.find((pin) => pins[pin] === undefined);
    if (absent !== undefined) {
      return { field: `pins.${absent}`, problem: `is required with pins.${given[0]} (${set.name})` };
    }
    wired++;
  }
  if (wired < declaration.minimumSets) {
    const wanted = declaration.sets.map((set) => set.pins.join('/')).join(' or ');
    return { field: 'pins', problem: `"${compatible}" needs at least ${declaration.minimumSets} of ${wanted}` };
  }
  return undefined;
}

function pairedPinsProblem(
  compatible: string,
  declaration: Extract<PinDeclaration, { kind: 'paired' }>,
  pins: Readonly<Record<string, number>>,
): WiringProblem | undefined {
  const [first, second] = declaration.suffixes;
  const channels = new Set<string>();
  for (const pin of Object.keys(pins)) {
    const suffix = declaration.suffixes.find((s) => pin.length > s.length && pin.endsWith(s));
    if (suffix === undefined) {
      return {
        field: `pins.${pin}`,
        problem: `pins of "${compatible}" are named <channel>${first} and <channel>${second}`,
      };
    }
    channels.add(pin.slice(0, -suffix.length));
  }
  for (const channel of channels) {
    for (const suffix of declaration.suffixes) {
      const partner = declaration.suffixes.find((s) => s !== suffix) ?? suffix;
      if (pins[channel + suffix] === undefined) {
        return { field: `pins.${channel}${suffix}`, problem: `is required with pins.${channel}${partner}` };
      }
    }
  }
  if (channels.size === 0) {
    return { field: 'pins', problem: `"${compatible}" needs at least one pair, e.g. ${declaration.example}` };
  }
  return undefined;
}

function pinList(pins: readonly string[]): string {
  return pins.map((pin) => `pins.${pin}`).join(' and ');
}
