import createDebug from 'debug';
import { ConfigError } from '../config/config-error.js';
import { isMotorOutputs, type SimDevice, type SimStuckable } from './devices/sim-device.js';
import type { SimFaultReport } from './report.js';
import {
  NO_I2C_FAULT,
  NO_SERIAL_FAULT,
  type I2cWireFault,
  type RobotLinkServer,
  type SerialWireFault,
} from './robot-link-server.js';
import { isDeviceFault, type ScenarioFault, type ScenarioFaultEntry } from './scenario.js';
import { FaultTrigger, NO_OBSERVATION, type FaultObservation } from './faults/fault-trigger.js';

const log = createDebug('spinal:sim:faults');

/** A battery monitor model whose battery can be made to sag. */
interface Saggable {
  setSagPerSecond(voltsPerS: number): void;
}

function isSaggable(device: SimDevice): device is SimDevice & Saggable {
  return typeof (device as Partial<Saggable>).setSagPerSecond === 'function';
}

/** A device model that can be pressed and released (an e-stop button, a bumper). */
interface Pressable {
  press(): void;
  release(): void;
}

function isStuckable(device: SimDevice): device is SimDevice & SimStuckable {
  return typeof (device as Partial<SimStuckable>).setStuck === 'function';
}

function isPressable(device: SimDevice): device is SimDevice & Pressable {
  const d = device as Partial<Pressable>;
  return typeof d.press === 'function' && typeof d.release === 'function';
}

interface ScheduledFault {
  spec: ScenarioFault;
  device: SimDevice;
  trigger: FaultTrigger;
  active: boolean;
}

/**
 * Throws a scenario's faults on one robot's devices at their times (or conditions) and clears them:
 * wire faults (unplug, garbage, corruption, NACK, EIO, latency) through the robot's link, model
 * faults (stuck, press) on the model. Keeps the report's `faults` list. Entries on targets other
 * than devices (`faults/system-fault-schema.ts`, `faults/runtime-fault-schema.ts`) are not its
 * business and are skipped.
 */
export class FaultInjector {
  private readonly scheduled: ScheduledFault[] = [];

  constructor(
    faults: readonly ScenarioFaultEntry[],
    private readonly link: RobotLinkServer,
    models: ReadonlyMap<string, SimDevice>,
    scenarioFile: string,
    robotIndex: number,
  ) {
    faults.forEach((spec, i) => {
      if (!isDeviceFault(spec)) return;
      const at = `robots[${robotIndex}].faults[${i}]`;
      const device = models.get(spec.device);
      if (!device) throw new ConfigError(scenarioFile, `${at}.device`, `the robot has no device "${spec.device}"`);
      checkApplicable(spec, device, scenarioFile, at);
      this.scheduled.push({ spec, device, trigger: new FaultTrigger(spec, spec.device, spec.kind), active: false });
    });
  }

  /** The motor drivers whose wheels a `jam` holds fast now, by device id. */
  jammed(): ReadonlySet<string> {
    return new Set(this.scheduled.filter((f) => f.active && f.spec.kind === 'jam').map((f) => f.spec.device));
  }

  /** Applies the faults that start or end by `nowUs`, with the robot as `seen` now (for conditions). */
  update(nowUs: number, seen: FaultObservation = NO_OBSERVATION): void {
    let changed = false;
    for (const fault of this.scheduled) {
      fault.trigger.update(nowUs, seen);
      const shouldBeActive = fault.trigger.active;
      if (shouldBeActive === fault.active) continue;
      fault.active = shouldBeActive;
      changed = true;
      log('%s %s on %s at %d us', shouldBeActive ? 'start' : 'clear', fault.spec.kind, fault.spec.device, nowUs);
      if (fault.spec.kind === 'stuck' && isStuckable(fault.device)) fault.device.setStuck(shouldBeActive);
      if (fault.spec.kind === 'sag' && isSaggable(fault.device)) {
        fault.device.setSagPerSecond(shouldBeActive ? fault.spec.voltsPerS : 0);
      }
      if (fault.spec.kind === 'press' && isPressable(fault.device)) {
        if (shouldBeActive) fault.device.press();
        else fault.device.release();
      }
    }
    if (changed) this.applyWireFaults();
  }

  /** The faults thrown so far (one not yet begun is not listed). */
  report(): SimFaultReport[] {
    return this.scheduled.flatMap((f) => f.trigger.report() ?? []);
  }

  /** Combines the active wire faults per device and hands them to the link. */
  private applyWireFaults(): void {
    for (const device of new Set(this.scheduled.map((f) => f.device))) {
      const active = this.scheduled.filter((f) => f.device === device && f.active).map((f) => f.spec);
      if (device.kind === 'serial') {
        const fault: SerialWireFault = { ...NO_SERIAL_FAULT };
        for (const spec of active) {
          if (spec.kind === 'unplug') fault.unplugged = true;
          if (spec.kind === 'garbage') fault.garbageBytesPerS += spec.bytesPerS;
          if (spec.kind === 'corrupt') fault.corruptRate = Math.max(fault.corruptRate, spec.rate);
          if (spec.kind === 'latency') fault.latencyUs = Math.max(fault.latencyUs, spec.latencyMs * 1e3);
        }
        this.link.setSerialFault(device.path, active.length > 0 ? fault : null);
      } else if (device.kind === 'i2c') {
        const fault: I2cWireFault = { ...NO_I2C_FAULT };
        for (const spec of active) {
          if (spec.kind === 'unplug') fault.unplugged = true;
          if (spec.kind === 'nack') fault.nackRate = Math.max(fault.nackRate, spec.rate);
          if (spec.kind === 'eio') fault.eioRate = Math.max(fault.eioRate, spec.rate);
        }
        this.link.setI2cFault(device.busPath, device.address, active.length > 0 ? fault : null);
      } else {
        this.link.setGpioFault(
          device.lines,
          active.some((spec) => spec.kind === 'unplug'),
        );
      }
    }
  }
}

/** Checks a robot's faults against its simulated hardware without running anything (ConfigError on a bad one). */
export function checkFaults(
  faults: readonly ScenarioFaultEntry[],
  models: ReadonlyMap<string, SimDevice>,
  file: string,
  robotIndex: number,
): void {
  faults.forEach((spec, i) => {
    if (!isDeviceFault(spec)) return;
    const at = `robots[${robotIndex}].faults[${i}]`;
    const device = models.get(spec.device);
    if (!device) throw new ConfigError(file, `${at}.device`, `the robot has no device "${spec.device}"`);
    checkApplicable(spec, device, file, at);
  });
}

/** Which fault kinds make sense on which device: a scenario asking for the impossible is a ConfigError. */
function checkApplicable(spec: ScenarioFault, device: SimDevice, file: string, at: string): void {
  const serialOnly = ['garbage', 'corrupt', 'latency'];
  const i2cOnly = ['nack', 'eio'];
  let problem = '';
  if (serialOnly.includes(spec.kind) && device.kind !== 'serial')
    problem = `"${spec.kind}" applies to serial devices only`;
  if (i2cOnly.includes(spec.kind) && device.kind !== 'i2c') problem = `"${spec.kind}" applies to I2C devices only`;
  if (spec.kind === 'stuck' && !isStuckable(device)) problem = `the model of "${spec.device}" cannot be stuck`;
  if (spec.kind === 'press' && !isPressable(device)) problem = `"${spec.device}" is not a button or switch`;
  if (spec.kind === 'sag' && !isSaggable(device)) problem = `"${spec.device}" is not a battery monitor`;
  if (spec.kind === 'jam' && !isMotorOutputs(device)) problem = `"${spec.device}" is not a motor driver`;
  if (problem) throw new ConfigError(file, `${at}.kind`, problem);
}
