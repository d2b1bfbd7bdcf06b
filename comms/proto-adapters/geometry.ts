/** Geometry between its in-process types (messages/geometry.ts) and the wire (spinal/v1/geometry.proto). */
import type { Point2D, Pose2D } from '../../messages/geometry.js';
import type * as wire from '../proto/generated/spinal/v1/geometry.generated.js';
import { finite, readWire, required, type FromWire } from './from-wire.js';

export function point2DToWire(point: Point2D): wire.Point2D {
  return { xM: point.xM, yM: point.yM };
}

/** Throws `WireFieldError` for a missing point or a coordinate that is not finite. */
export function readPoint2D(point: wire.Point2D | undefined, field: string): Point2D {
  const p = required(point, field);
  return { xM: finite(p.xM, `${field}.xM`), yM: finite(p.yM, `${field}.yM`) };
}

export function pose2DToWire(pose: Pose2D): wire.Pose2D {
  return { xM: pose.xM, yM: pose.yM, yawRad: pose.yawRad };
}

/** Throws `WireFieldError` for a missing pose or a value that is not finite. */
export function readPose2D(pose: wire.Pose2D | undefined, field: string): Pose2D {
  const p = required(pose, field);
  return {
    xM: finite(p.xM, `${field}.xM`),
    yM: finite(p.yM, `${field}.yM`),
    yawRad: finite(p.yawRad, `${field}.yawRad`),
  };
}

export function pose2DFromWire(pose: wire.Pose2D): FromWire<Pose2D> {
  return readWire(() => readPose2D(pose, 'pose'));
}
