import { describe, expect, it } from 'vitest';
import type { EncoderDevice } from '../../hal/encoder/api.js';
import { wheelChannels, wheelTravel } from './wheel-channels.js';

function encoder(id: string, channels: string[]): EncoderDevice {
  return { id, channelNames: () => channels } as unknown as EncoderDevice;
}

const drive = { left: 'drive.M1', right: 'drive.M2', invertLeft: false, invertRight: false };

describe('wheelChannels', () => {
  it("reads a motor controller's own counters on the channels of the drive's motor channels, counting against an inverted motor", () => {
    const roboclaw = encoder('drive', ['M1', 'M2']);
    expect(wheelChannels(roboclaw, drive)).toEqual({
      left: { channel: 'M1', sign: 1 },
      right: { channel: 'M2', sign: 1 },
    });
    const swapped = wheelChannels(roboclaw, {
      left: 'drive.M2',
      right: 'drive.M1',
      invertLeft: true,
      invertRight: false,
    })!;
    expect(swapped).toEqual({ left: { channel: 'M2', sign: -1 }, right: { channel: 'M1', sign: 1 } });
    expect(wheelTravel({ stampUs: 1, counts: {}, travelM: { M1: 0.5, M2: -0.4 } }, swapped)).toEqual({
      leftM: 0.4,
      rightM: 0.5,
    });
  });

  it("reads a separate encoder device's left and right channels, and none when it has neither", () => {
    expect(wheelChannels(encoder('wheel-encoders', ['left', 'right']), { ...drive, invertLeft: true })).toEqual({
      left: { channel: 'left', sign: 1 },
      right: { channel: 'right', sign: 1 },
    });
    expect(wheelChannels(encoder('odd', ['a', 'b']), drive)).toBeNull();
    expect(
      wheelTravel(
        { stampUs: 1, counts: {}, travelM: { left: 1 } },
        wheelChannels(encoder('e', ['left', 'right']), drive)!,
      ),
    ).toBeNull();
  });
});
