import { posix } from 'node:path';
import type { SysfsAttributes } from '../../../hal/transport/pwm/sysfs-pwm-backend.js';
import type { SimGpioDevice, SimPwmChannel } from '../../../simulator/devices/sim-device.js';
import { errnoError, nextTurn, type BridgeWire } from './bridge-wire.js';

/** Where the fake kernel's sysfs is mounted; the attributes never touch the disk. */
export const BRIDGED_SYSFS_ROOT = '/sys';
const CLASS_DIR = posix.join(BRIDGED_SYSFS_ROOT, 'class', 'pwm');

/** Channels a chip of the fake kernel has at least (the Pi 4's `pwmchip0` has 2). */
const MIN_CHANNELS = 2;

/** One channel's attributes, as `pwmchipN/pwmM/` holds them once exported. */
interface ChannelState {
  periodNs: number;
  dutyNs: number;
  enabled: boolean;
  polarity: 'normal' | 'inversed';
}

/**
 * The kernel's PWM sysfs class (`/sys/class/pwm`, Documentation/ABI/testing/sysfs-class-pwm) as
 * `SysfsPwmBackend`'s attribute access sees it, with the simulator's H-bridge models on the channels:
 * one `pwmchipN` per chip the models are wired to (`npwm`, `export`, `unexport`), and per exported
 * channel `period`, `duty_cycle`, `enable`, `polarity`. It keeps the kernel's rules that matter to a
 * driver: attributes exist only once exported, exporting twice is EBUSY, a duty above the period (or
 * a period below the duty) is EINVAL. Every change of an exported channel reaches its model's
 * `hostPwm` as duty = duty_cycle / period and the enable bit.
 */
export class BridgedSysfsPwm implements SysfsAttributes {
  private readonly channelsPerChip = new Map<string, number>();
  private readonly modelByChannel = new Map<string, SimGpioDevice>();
  private readonly exported = new Map<string, ChannelState>();

  constructor(
    devices: readonly SimGpioDevice[],
    private readonly wire: BridgeWire,
  ) {
    for (const device of devices) {
      for (const pwm of device.pwmChannels) {
        this.modelByChannel.set(channelKey(pwm.chip, pwm.channel), device);
        const count = Math.max(MIN_CHANNELS, this.channelsPerChip.get(pwm.chip) ?? 0, pwm.channel + 1);
        this.channelsPerChip.set(pwm.chip, count);
      }
    }
  }

  async read(path: string): Promise<string> {
    await nextTurn();
    const at = this.locate(path);
    if (at.kind === 'chip-attribute' && at.attribute === 'npwm') return `${this.channelsPerChip.get(at.chip)}\n`;
    if (at.kind === 'channel-attribute') {
      const state = this.channelState(at.chip, at.channel, path);
      switch (at.attribute) {
        case 'period':
          return `${state.periodNs}\n`;
        case 'duty_cycle':
          return `${state.dutyNs}\n`;
        case 'enable':
          return state.enabled ? '1\n' : '0\n';
        case 'polarity':
          return `${state.polarity}\n`;
      }
    }
    throw errnoError('ENOENT', `no such file or directory, open '${path}'`);
  }

  async write(path: string, value: string): Promise<void> {
    await nextTurn();
    this.wire.touch();
    const at = this.locate(path);
    if (at.kind === 'chip-attribute' && (at.attribute === 'export' || at.attribute === 'unexport')) {
      const channel = Number(value.trim());
      const count = this.channelsPerChip.get(at.chip) ?? 0;
      if (!Number.isInteger(channel) || channel < 0 || channel >= count) {
        throw errnoError('EINVAL', `Invalid argument: write '${value}' to ${path}`);
      }
      const key = channelKey(at.chip, channel);
      if (at.attribute === 'export') {
        if (this.exported.has(key)) throw errnoError('EBUSY', `Device or resource busy: write '${value}' to ${path}`);
        this.exported.set(key, { periodNs: 0, dutyNs: 0, enabled: false, polarity: 'normal' });
      } else {
        if (!this.exported.delete(key)) throw errnoError('EINVAL', `Invalid argument: write '${value}' to ${path}`);
        this.notify(at.chip, channel, { periodNs: 0, dutyNs: 0, enabled: false, polarity: 'normal' });
      }
      return;
    }
    if (at.kind !== 'channel-attribute') throw errnoError('EACCES', `permission denied, open '${path}'`);
    const state = this.channelState(at.chip, at.channel, path);
    const text = value.trim();
    const number = Number(text);
    const invalid = (): Error => errnoError('EINVAL', `Invalid argument: write '${value}' to ${path}`);
    switch (at.attribute) {
      case 'period':
        if (!Number.isInteger(number) || number <= 0 || number < state.dutyNs) throw invalid();
        state.periodNs = number;
        break;
      case 'duty_cycle':
        if (!Number.isInteger(number) || number < 0 || number > state.periodNs) throw invalid();
        state.dutyNs = number;
        break;
      case 'enable':
        if (text !== '0' && text !== '1') throw invalid();
        state.enabled = text === '1';
        break;
      case 'polarity':
        if (text !== 'normal' && text !== 'inversed') throw invalid();
        if (state.enabled) throw errnoError('EBUSY', `Device or resource busy: write '${value}' to ${path}`);
        state.polarity = text;
        break;
    }
    this.notify(at.chip, at.channel, state);
  }

  async exists(path: string): Promise<boolean> {
    const at = this.locate(path);
    switch (at.kind) {
      case 'class':
        return true;
      case 'chip':
        return this.channelsPerChip.has(at.chip);
      case 'chip-attribute':
        return this.channelsPerChip.has(at.chip);
      case 'channel':
      case 'channel-attribute':
        return this.exported.has(channelKey(at.chip, at.channel));
      case 'elsewhere':
        return false;
    }
  }

  async list(dir: string): Promise<string[]> {
    if (posix.normalize(dir) !== CLASS_DIR) throw errnoError('ENOENT', `no such file or directory, scandir '${dir}'`);
    return [...this.channelsPerChip.keys()];
  }

  private channelState(chip: string, channel: number, path: string): ChannelState {
    const state = this.exported.get(channelKey(chip, channel));
    if (!state) throw errnoError('ENOENT', `no such file or directory, open '${path}'`);
    return state;
  }

  private notify(chip: string, channel: number, state: ChannelState): void {
    const pwm: SimPwmChannel = { chip, channel };
    const duty = state.periodNs > 0 ? state.dutyNs / state.periodNs : 0;
    const level = state.polarity === 'normal' ? duty : 1 - duty;
    this.modelByChannel.get(channelKey(chip, channel))?.hostPwm(pwm, level, state.enabled, this.wire.worldUs());
  }

  private locate(path: string): Location {
    const relative = posix.relative(CLASS_DIR, posix.normalize(path));
    if (relative === '') return { kind: 'class' };
    if (relative.startsWith('..')) return { kind: 'elsewhere' };
    const [chip = '', second, third, ...rest] = relative.split('/');
    if (!/^pwmchip\d+$/.test(chip) || rest.length > 0) return { kind: 'elsewhere' };
    if (second === undefined) return { kind: 'chip', chip };
    const channelMatch = /^pwm(\d+)$/.exec(second);
    if (!channelMatch) {
      return CHIP_ATTRIBUTES.includes(second as ChipAttribute) && third === undefined
        ? { kind: 'chip-attribute', chip, attribute: second as ChipAttribute }
        : { kind: 'elsewhere' };
    }
    const channel = Number(channelMatch[1]);
    if (third === undefined) return { kind: 'channel', chip, channel };
    return CHANNEL_ATTRIBUTES.includes(third as ChannelAttribute)
      ? { kind: 'channel-attribute', chip, channel, attribute: third as ChannelAttribute }
      : { kind: 'elsewhere' };
  }
}

const CHIP_ATTRIBUTES = ['npwm', 'export', 'unexport'] as const;
const CHANNEL_ATTRIBUTES = ['period', 'duty_cycle', 'enable', 'polarity'] as const;
type ChipAttribute = (typeof CHIP_ATTRIBUTES)[number];
type ChannelAttribute = (typeof CHANNEL_ATTRIBUTES)[number];

/** What a path names in the fake PWM class directory. */
type Location =
  | { kind: 'class' }
  | { kind: 'chip'; chip: string }
  | { kind: 'chip-attribute'; chip: string; attribute: ChipAttribute }
  | { kind: 'channel'; chip: string; channel: number }
  | { kind: 'channel-attribute'; chip: string; channel: number; attribute: ChannelAttribute }
  | { kind: 'elsewhere' };

function channelKey(chip: string, channel: number): string {
  return `${chip}/${channel}`;
}
