/**
 * Builders for the right-of-way decision's inputs: a robot as it really is, and the peer view the
 * others have of it when its last state and claim arrived intact (the same shared information).
 */
import type { Point2D } from '../../messages/geometry.js';
import type { PeerView } from '../../messages/peer.js';
import { claimStretch } from '../../cortex/right-of-way/claim-stretch.js';
import type { RightOfWayInput, RightOfWaySelf } from '../../cortex/right-of-way/right-of-way.js';

export interface RobotTruth extends RightOfWaySelf {
  vMps: number;
}

export function truth(
  id: string,
  at: [number, number],
  path: [number, number][],
  options: Partial<Omit<RobotTruth, 'robotId' | 'pose' | 'path'>> = {},
): RobotTruth {
  return {
    robotId: id,
    safetyStopped: false,
    carryingPayload: false,
    missionPriority: 0,
    footprintRadiusM: 0.3,
    vMps: path.length > 0 ? 0.5 : 0,
    ...options,
    pose: { xM: at[0], yM: at[1], yawRad: 0 },
    path: path.map(([xM, yM]) => ({ xM, yM })),
  };
}

/** The view a peer has of `robot` at `nowUs`, its claim as the robot itself would make it. */
export function viewOf(robot: RobotTruth, nowUs: number, claimAheadM: number, over: Partial<PeerView> = {}): PeerView {
  const at: Point2D = { xM: robot.pose.xM, yM: robot.pose.yM };
  const stretch = claimStretch(at, robot.path, claimAheadM);
  return {
    id: robot.robotId,
    online: true,
    bootId: 'boot',
    state: {
      robotId: robot.robotId,
      safetyStopped: robot.safetyStopped,
      carryingPayload: robot.carryingPayload,
      missionPriority: robot.missionPriority,
      atUs: nowUs,
      pose: robot.pose,
      vMps: robot.vMps,
      wRadps: 0,
      pathPreview: robot.path,
      footprintRadiusM: robot.footprintRadiusM,
    },
    claim: {
      robotId: robot.robotId,
      claimSeq: 1,
      path: stretch.length > 1 ? stretch : [],
      fromUs: nowUs,
      untilUs: nowUs + 2e6,
    },
    ageMs: 50,
    stale: false,
    ...over,
  };
}

/** The input of robot `index` of `fleet`, every other robot seen through {@link viewOf}. */
export function inputFor(
  fleet: readonly RobotTruth[],
  index: number,
  nowUs: number,
  claimAheadM: number,
  passable: (p: Point2D) => boolean = () => true,
): RightOfWayInput {
  const self = fleet[index] as RobotTruth;
  return {
    nowUs,
    self,
    peers: fleet.filter((_, i) => i !== index).map((r) => viewOf(r, nowUs, claimAheadM)),
    passable,
  };
}
