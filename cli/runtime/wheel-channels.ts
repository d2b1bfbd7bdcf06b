import type { BoardConfig } from '../../config/board-schema.js';
import type { EncoderDevice } from '../../hal/encoder/api.js';
import type { EncoderReading } from '../../messages/encoder-reading.js';

/** Which encoder channel counts which drive wheel, and the sign that makes forward positive. */
export interface WheelChannels {
  left: { channel: string; sign: 1 | -1 };
  right: { channel: string; sign: 1 | -1 };
}

/**
 * The encoder channels of the board's drive wheels: a motor controller's own counters are the
 * channels of the motor channels `robot.drive` names (counting against the wheel when the motor is
 * inverted); a separate encoder device's are its `left` and `right` channels (which invert by its
 * own parameters). Null when the encoder has neither.
 */
export function wheelChannels(encoder: EncoderDevice, drive: BoardConfig['robot']['drive']): WheelChannels | null {
  const names = encoder.channelNames();
  const pick = (ref: string, side: 'left' | 'right', inverted: boolean): WheelChannels['left'] | null => {
    const [deviceId, channel = ''] = ref.split('.');
    if (deviceId === encoder.id && names.includes(channel)) return { channel, sign: inverted ? -1 : 1 };
    return names.includes(side) ? { channel: side, sign: 1 } : null;
  };
  const left = pick(drive.left, 'left', drive.invertLeft);
  const right = pick(drive.right, 'right', drive.invertRight);
  return left && right ? { left, right } : null;
}

/** The reading's travel of the two drive wheels, metres, forward positive (null when a channel is missing from it). */
export function wheelTravel(reading: EncoderReading, wheels: WheelChannels): { leftM: number; rightM: number } | null {
  const left = reading.travelM[wheels.left.channel];
  const right = reading.travelM[wheels.right.channel];
  if (left === undefined || right === undefined) return null;
  return { leftM: left * wheels.left.sign, rightM: right * wheels.right.sign };
}
