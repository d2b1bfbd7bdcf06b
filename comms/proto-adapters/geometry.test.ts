import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as wire from '../proto/generated/spinal/v1/geometry.generated.js';
import { pose2D } from '../../test/harness/message-arbitraries.js';
import { throughBytes } from '../../test/harness/wire-round-trip.js';
import { pose2DFromWire, pose2DToWire } from './geometry.js';

describe('Pose2D on the wire', () => {
  it('comes back the same through bytes, for any finite pose', () => {
    fc.assert(
      fc.property(pose2D, (pose) => {
        expect(pose2DFromWire(throughBytes(wire.Pose2D, pose2DToWire(pose)))).toEqual({ ok: true, value: pose });
      }),
    );
  });

  it('is refused with the field named when a value is not finite', () => {
    const bytes = wire.Pose2D.encode({ xM: 1, yM: Number.NaN, yawRad: 0 }).finish();
    expect(pose2DFromWire(wire.Pose2D.decode(bytes))).toEqual({
      ok: false,
      reason: 'pose.yM: NaN is not a finite number',
    });
    expect(pose2DFromWire({ xM: 1, yM: 2, yawRad: Number.POSITIVE_INFINITY })).toEqual({
      ok: false,
      reason: 'pose.yawRad: Infinity is not a finite number',
    });
  });
});
