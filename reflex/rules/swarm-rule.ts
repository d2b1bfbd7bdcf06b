import { SWARM_HOLD_REASON_PREFIX } from '../../messages/peer.js';
import type { ReflexRule } from '../reflex-types.js';

/**
 * Override level 2: a peer's right-of-way claim (from the mesh) holds the robot back, below every
 * safety rule and above the mission. Its start is recorded like any stop (a trip, with the peer
 * named), and it releases as soon as the peer releases its claim.
 */
export const SWARM_HOLD_RULE: ReflexRule = {
  id: 'swarm-hold',
  trigger: 'a peer robot holds the right of way where this robot is going (mesh claim)',
  action: 'stop',
  clears: 'the peer releases its claim',
  params: [],
  clearHoldUs: () => 0,
  evaluate({ inputs }) {
    const hold = inputs.swarmHold;
    if (!hold || (inputs.command?.vMps ?? 0) === 0) return null;
    return { action: 'stop', allowTurn: true, reason: `${SWARM_HOLD_REASON_PREFIX}${hold.peer}: ${hold.reason}` };
  },
};
