/**
 * What two widely used autopilots do for the hazard each reflex rule covers, and where spinal's
 * rule differs: PX4 (commander failsafe framework, failure detector, collision prevention, rover
 * modules) and ArduPilot Rover (failsafes, crash check, fence, simple avoidance). `docs/safety.md`
 * shows it next to the rule table, and its generator fails for a rule that has no entry here.
 *
 * Sources: PX4 user guide "Safety (Failsafe) Configuration", "Collision Prevention" and the rover
 * pages, with `commander_params.c` and `failsafe/failsafe.cpp`; ArduPilot Rover wiki "Failsafes" and
 * "Object Avoidance", with `Rover/Parameters.cpp`, `Rover/crash_check.cpp`, `Rover/failsafe.cpp`,
 * `AC_Avoid.cpp`, `AC_Fence.cpp`, `AP_BattMonitor_Params.cpp` and `RC_Channel.cpp`. Parameter
 * names and defaults are those of current releases; older releases may name some differently.
 */

/** One rule's counterparts, in Markdown (parameter names in backticks, no `|`). */
export interface FailsafeEquivalents {
  /** What PX4 does for the same hazard, or "No equivalent", and how spinal differs. */
  readonly px4: string;
  /** What ArduPilot Rover does for the same hazard, or "No equivalent", and how spinal differs. */
  readonly ardupilot: string;
}

/** Counterparts by reflex rule id. */
export const FAILSAFE_COMPARISON: Readonly<Record<string, FailsafeEquivalents>> = {
  'estop-input': {
    px4:
      'Kill switch (`RC_MAP_KILL_SW`) cuts every motor output at once but does not latch: flipped back within ' +
      '`COM_KILL_DISARM` (default 5 s) the motors run again, after that the vehicle disarms and must be re-armed. ' +
      'The kill gesture (`MAN_KILL_GEST_T`) cannot be reverted without a reboot. Both come from the manual control input (RC or joystick). ' +
      'Spinal reads a wired button (a lost line counts as pressed) and stays stopped until an explicit reset.',
    ardupilot:
      '`RCx_OPTION` = 31 (Motor Emergency Stop) sets the motor outputs to zero while the switch is high; the ' +
      'vehicle stays armed and the motors run again as soon as the switch goes low (no latch). It comes from an RC ' +
      'channel. Spinal reads a wired button (a lost line counts as pressed) and needs the button released and an ' +
      'explicit reset.',
  },
  bumper: {
    px4: 'No equivalent (no contact-switch input).',
    ardupilot:
      'No equivalent. The nearest is the crash check (`FS_CRASH_CHECK`), which notices a blocked rover only after ' +
      '2 s without motion (see `wheel-stall`). Spinal stops at the moment of contact and latches.',
  },
  'estop-request': {
    px4:
      'A ground station stops the motors by disarming (`MAV_CMD_COMPONENT_ARM_DISARM`, param2 = 21196 forces it) or ' +
      'with `MAV_CMD_DO_FLIGHTTERMINATION` (outputs to their failsafe values); the vehicle must then be re-armed. ' +
      'Spinal has no arming: the e-stop latches in the reflex until an explicit reset from the debug port or the ' +
      'supervisor.',
    ardupilot:
      'A ground station can raise the Motor Emergency Stop function remotely (`MAV_CMD_DO_AUX_FUNCTION`, function ' +
      '31; it clears when set low again) or force a disarm (`MAV_CMD_COMPONENT_ARM_DISARM`, param2 = 21196; needs ' +
      'a re-arm). Spinal latches until an explicit reset.',
  },
  impact: {
    px4:
      'No equivalent: the failure detector watches attitude (`FD_FAIL_P`, `FD_FAIL_R`), ESC currents and, as a ' +
      'warning only, propeller imbalance (`FD_IMB_PROP_THR`); nothing reacts to an acceleration spike.',
    ardupilot:
      'No equivalent: the Rover crash check (`FS_CRASH_CHECK`) looks for a stall or a tilt beyond `CRASH_ANGLE`, ' +
      'not for an acceleration spike.',
  },
  tilt: {
    px4:
      'Failure detector: pitch or roll beyond `FD_FAIL_P` / `FD_FAIL_R` for `FD_FAIL_P_TTRI` / `FD_FAIL_R_TTRI` ' +
      '(default 0.3 s) disarms just after arming, and later triggers flight termination only when ' +
      '`CBRK_FLIGHTTERM` is cleared (by default it only warns). It runs while attitude control is on and is made ' +
      'for aircraft. Spinal makes a controlled stop in every mode and releases once level again.',
    ardupilot:
      '`CRASH_ANGLE` (0 = off, the default) with `FS_CRASH_CHECK`: pitch or roll beyond it switches to Hold (1) ' +
      'or Hold and disarm (2), checked only in Auto, Guided, RTL and SmartRTL (a balance bot disarms, in every ' +
      'mode). Spinal checks in every mode, a manual override included.',
  },
  'motor-driver': {
    px4:
      'Motor failure detection (`FD_ACT_EN`: ESC current checked against the command) and ESC telemetry checks ' +
      '(`COM_ARM_CHK_ESCS`) feed `COM_ACT_FAIL_ACT` (Warning, the default, Hold, Land, Return or Terminate); ' +
      '`CA_FAILURE_MODE` can drop the failed motor from control allocation. Made for multicopter ESCs. Spinal stops ' +
      'the other motors so a differential robot does not pivot on its working wheel.',
    ardupilot:
      'No equivalent: ESC telemetry is logged and reported, but no Rover failsafe acts on a failed motor driver.',
  },
  'lidar-blind': {
    px4:
      'Collision prevention keeps a 72-bin obstacle distance map; bins without data for 0.5 s count as blocked for ' +
      'motion towards them unless `CP_GO_NO_DATA` = 1 (multicopter only). Rovers have no equivalent.',
    ardupilot:
      'No equivalent: a proximity sector without fresh data is dropped from avoidance, so the rover drives into ' +
      'space it has not measured. Spinal stops for an unmeasured sector in the swept path and names it.',
  },
  'lidar-stale': {
    px4:
      'Only inside collision prevention (multicopter Position mode): no range data for 0.5 s forces the horizontal ' +
      'velocity setpoint to zero, and after 5 s the vehicle switches to Hold; directions a sensor stopped covering ' +
      'count as blocked unless `CP_GO_NO_DATA` = 1. Rovers have no equivalent.',
    ardupilot:
      'No equivalent: proximity sectors (`PRX_*`) that stop receiving data time out and are dropped, so simple ' +
      'avoidance stops limiting speed instead of stopping the rover; an unhealthy proximity sensor only fails the ' +
      'pre-arm check. Spinal treats a silent or failed lidar as blindness and stops.',
  },
  'range-stale': {
    px4:
      'Collision prevention treats a distance sensor that stops reporting for 0.5 s like any silent sector: ' +
      'velocity towards it is zeroed (multicopter Position mode only). Rovers have no equivalent.',
    ardupilot:
      'No equivalent: a rangefinder that stops reporting is marked unhealthy and simply no longer limits speed ' +
      '(`RNGFND*` with `AVOID_ENABLE`); spinal stops instead, as for the lidar.',
  },
  'cortex-heartbeat': {
    px4:
      '`COM_OBC_LOSS_T` (default 5 s) only warns that the onboard (companion) computer is lost; what stops the ' +
      'vehicle is the offboard setpoint timeout (see `deadman`). Spinal stops on a heartbeat from the planner ' +
      'thread itself, whatever commands are in force.',
    ardupilot:
      'GCS failsafe (`FS_GCS_ENABLE`): no MAVLink heartbeat from the ground station system id (`SYSID_MYGCS`) for ' +
      '`FS_TIMEOUT` (default 1.5 s) runs `FS_ACTION` (default Hold); a companion computer counts only if it sends ' +
      'with that id. Spinal watches the planner thread of its own process, and only stops (no mode change).',
  },
  deadman: {
    px4:
      'Offboard loss: setpoints must keep arriving (faster than 2 Hz); after `COM_OF_LOSS_T` (default 1 s) without ' +
      'one the vehicle takes `COM_OBL_RC_ACT` (Position, Altitude, Stabilized, Return, Land, Hold, Terminate or ' +
      'Disarm). Manual control loss works alike with `COM_RC_LOSS_T` and `NAV_RCL_ACT`. Spinal only stops, and ' +
      'drives on at the next fresh command.',
    ardupilot:
      'Guided mode stops the rover when a heading-and-speed or turn-rate-and-speed target is older than 3 s ' +
      '(fixed). RC loss (`FS_THR_ENABLE`, `FS_THR_VALUE`) lasting `FS_TIMEOUT` (default 1.5 s) runs `FS_ACTION` ' +
      '(default Hold), and the driver must change mode to take over again. Spinal drives on at the next fresh ' +
      'command.',
  },
  'loop-overrun': {
    px4: 'No equivalent in motion: `COM_CPU_MAX` only fails the arming check while CPU load stays above it.',
    ardupilot:
      'A 1 kHz timer checks that the main loop runs: after 0.2 s without a loop the rover disarms (CPU failsafe), ' +
      'and a hardware watchdog (`BRD_OPTIONS` bit 0) reboots a hung board. Slow loops short of that are only logged. ' +
      'Spinal stops on a burst of missed deadlines, before the loop hangs, and releases after a second without so many.',
  },
  'battery-critical': {
    px4:
      'At `BAT_CRIT_THR` / `BAT_EMERGEN_THR` (fractions of the remaining capacity, estimated from voltage and ' +
      'current) `COM_LOW_BAT_ACT` switches to Return or Land, or only warns. Spinal compares the measured voltage ' +
      'with one threshold, filtered for sag, and stops where it is.',
    ardupilot:
      '`BATT_CRT_VOLT` (or `BATT_CRT_MAH`) held for `BATT_LOW_TIMER` (default 10 s) runs `BATT_FS_CRT_ACT` ' +
      '(None, RTL, Hold, SmartRTL, SmartRTL or Hold, Terminate). Hold is the counterpart of the controlled stop ' +
      'of spinal.',
  },
  'battery-low': {
    px4: 'At `BAT_LOW_THR` PX4 only warns; nothing limits speed.',
    ardupilot:
      '`BATT_LOW_VOLT` (or `BATT_LOW_MAH`) held for `BATT_LOW_TIMER` runs `BATT_FS_LOW_ACT` (default None: a warning; ' +
      'or RTL, Hold, SmartRTL, Terminate). Nothing limits speed: spinal keeps the robot working, slower, until the ' +
      'critical level.',
  },
  geofence: {
    px4:
      '`GF_ACTION` on a breach (polygons and circles, or `GF_MAX_HOR_DIST` from home): None, Warning, Hold, ' +
      'Return, Terminate or Land; `GF_PREDICT` can trigger early from the predicted path. The action is a mode ' +
      'change the operator leaves by switching mode. Spinal stops before the boundary and, outside it, still lets ' +
      'the robot drive back in.',
    ardupilot:
      '`FENCE_ACTION` on a breach (Report only, RTL or Hold, Hold, SmartRTL or RTL or Hold, SmartRTL or Hold; newer ' +
      'releases add Terminate and Loiter or Hold). With `AVOID_ENABLE` bit 0 (use fence) simple avoidance stops ' +
      'the rover `FENCE_MARGIN` before the fence and lets it back away: the closest match to the spinal rule.',
  },
  'wheel-stall': {
    px4: 'No equivalent for rovers.',
    ardupilot:
      '`FS_CRASH_CHECK` (0 = off, the default; 1 Hold; 2 Hold and disarm): in Auto, Guided, RTL and SmartRTL, ' +
      'throttle of at least 5 % while speed stays under 0.08 m/s and turn rate under 0.08 rad/s for 2 s. Spinal ' +
      'compares the command with the wheel encoders in every mode.',
  },
  obstacle: {
    px4:
      'Collision prevention (`CP_DIST` minimum distance, `CP_DELAY` sensor and tracking delay, `CP_GUIDE_ANG`, ' +
      '`CP_GO_NO_DATA`) restricts velocity so the vehicle stops `CP_DIST` from an obstacle; multicopters in ' +
      'Position mode only, not in missions, offboard or on rovers. Spinal checks the corridor its footprint sweeps ' +
      '(and the turning circle) in every mode.',
    ardupilot:
      'Simple avoidance (`AVOID_ENABLE` bit 1, proximity sensors `PRX_*`, 360° lidars included) limits speed so ' +
      'the rover stops `AVOID_MARGIN` (default 2 m) from an obstacle (`AVOID_BEHAVE`: Stop, the Rover default, or ' +
      'Slide; `AVOID_ACCEL_MAX`; backs away at up to `AVOID_BACKUP_SPD`); not in Manual mode. `OA_TYPE` path ' +
      'planners steer around obstacles in Auto and Guided. Spinal uses the corridor of the footprint with a ' +
      'speed-dependent stopping distance and a slow zone, in every mode.',
  },
  'swarm-hold': {
    px4:
      'No equivalent: traffic avoidance (`NAV_TRAFF_AVOID`) reacts to aircraft traffic reports (ADS-B, FLARM), ' +
      'not to right-of-way claims between peers.',
    ardupilot:
      'No equivalent: ADS-B avoidance (`AVD_*`) is for aircraft; vehicles do not negotiate right of way. In ' +
      'spinal a claim from a peer holds the robot at override level 2, below every safety rule and above the mission.',
  },
  'speed-limit': {
    px4:
      '`RO_SPEED_LIM` caps the speed setpoint and `RO_YAW_RATE_LIM` the yaw rate in the closed-loop rover modes; ' +
      'Manual mode maps the sticks to the motors with neither limit. Spinal clamps every command, a manual ' +
      'override included.',
    ardupilot:
      'No hard cap: `CRUISE_SPEED` / `WP_SPEED` set the speed in the autonomous modes, `MOT_THR_MAX` caps the ' +
      'throttle output, `ATC_STR_RAT_MAX` (and `ACRO_TURN_RATE` in Acro) cap the turn rate. Spinal clamps every ' +
      'command to a speed and a turn rate.',
  },
};
