import type { ReflexRule, SwitchInput, Verdict } from '../reflex-types.js';

/**
 * Pressed switches of a role latch an e-stop. A switch not read yet (start-up) holds the robot
 * with a plain stop instead: fail-safe, but nothing to reset once the first read says released.
 */
function switchVerdict(switches: readonly SwitchInput[], role: SwitchInput['role']): Verdict | null {
  const active = switches.filter((s) => s.role === role && s.active);
  if (active.length === 0) return null;
  const reason = active.map((s) => `${s.id}: ${s.reason || 'pressed'}`).join('; ');
  return { action: active.some((s) => s.known !== false) ? 'estop' : 'stop', reason };
}

/**
 * Stops that hold until someone says so: the e-stop button, a bumper hit, an e-stop asked for by
 * the supervisor or the debug port, an impact. Each needs an explicit reset, and a reset only
 * clears those whose cause is gone (a button still pressed keeps the robot stopped).
 */
export const LATCHED_RULES: readonly ReflexRule[] = [
  {
    id: 'estop-input',
    startsHeld: true,
    trigger: 'the hardware e-stop button reads pressed, or its line is lost or cut (fail-safe)',
    action: 'estop',
    clears: 'button released, then an explicit reset',
    params: [],
    latched: true,
    clearHoldUs: () => 0,
    evaluate({ inputs }) {
      return switchVerdict(inputs.switches ?? [], 'estop');
    },
  },
  {
    id: 'bumper',
    startsHeld: true,
    trigger: 'a bumper switch closes (the robot touched something)',
    action: 'estop',
    clears: 'bumper released, then an explicit reset',
    params: [],
    latched: true,
    clearHoldUs: () => 0,
    evaluate({ inputs }) {
      return switchVerdict(inputs.switches ?? [], 'bumper');
    },
  },
  {
    id: 'estop-request',
    trigger: 'an e-stop from the supervisor or the debug port (POST /api/v1/estop)',
    action: 'estop',
    clears: 'an explicit reset (POST /api/v1/estop/reset, or the supervisor)',
    params: [],
    latched: true,
    requested: true,
    clearHoldUs: () => 0,
    // Requests are latched by ReflexArbiter.requestEstop(); the rule itself never fires from inputs.
    evaluate: () => null,
  },
  {
    id: 'impact',
    trigger: 'an acceleration spike beyond reflex.impactLimitG (a collision or a fall)',
    action: 'estop',
    clears: 'an explicit reset',
    params: ['reflex.impactLimitG'],
    latched: true,
    clearHoldUs: () => 0,
    evaluate({ inputs, settings }) {
      const limit = settings.impactLimitG;
      const imu = inputs.imu;
      if (!limit || !imu || imu.shockG <= limit) return null;
      return { action: 'estop', reason: `impact of ${imu.shockG.toFixed(1)} g (limit ${limit} g)` };
    },
  },
];
