import type { MotorStopBehaviour } from './api.js';

/**
 * The stop each motor driver chip gives, from its datasheet or manual: what `brake()` puts on
 * the wire and what the bridge then does to a spinning motor. One home for the text the drivers
 * report and `docs/safety.md` lists.
 */

/**
 * Toshiba TB6612FNG: IN1 = IN2 = H is a short brake (both low-side switches on); IN1 = IN2 = L or
 * STBY = L is "stop" (outputs off: the motor coasts); with a direction set, PWM = L is a short
 * brake too, so a duty of 0 brakes.
 */
export const TB6612_SHORT_BRAKE: MotorStopBehaviour = {
  kind: 'active-brake',
  description: 'IN1 = IN2 = H with PWM high: short brake, the windings are shorted through the low-side switches',
  reference:
    'Toshiba TB6612FNG datasheet, "H-SW control function" table (IN1 H, IN2 H: short brake; STBY L: standby, off)',
};

/**
 * ST L298: with the enable input high, C = D (both inputs the same) is a "fast motor stop"; enable
 * low is a "free running motor stop" (the motor coasts).
 */
export const L298_FAST_STOP: MotorStopBehaviour = {
  kind: 'active-brake',
  description: 'EN high, IN1 = IN2: fast motor stop, the bridge shorts the windings',
  reference:
    'ST L298 datasheet, Figure 6 "Bidirectional DC motor control" (Ven = H, C = D: fast motor stop; Ven = L: free running motor stop)',
};

/**
 * Basicmicro RoboClaw: there is no brake command. The duty commands (32, 33, 34) move the output
 * to the new duty at the channel's default duty acceleration (commands 68, 69; read with 81), and
 * at 0 % duty nothing holds the motor: the manual's CTRL1/CTRL2 "Brake" output mode (command 100)
 * exists to drive an external brake once the PWM is 0, after the acceleration setting has let the
 * motor slow down. Only a speed command (35..40, with encoders) decelerates under closed-loop
 * control, at the acceleration it gives.
 */
export const ROBOCLAW_DUTY_ZERO: MotorStopBehaviour = {
  kind: 'coast',
  description:
    'duty 0 (command 32/33/34): the controller winds the duty down at its default duty acceleration, then the motor spins down by friction',
  reference:
    'Basicmicro RoboClaw user manual, commands 32-34 (signed duty), 68/69 (default duty acceleration) and 100 (CTRL brake mode: an external brake at 0 PWM)',
};

/** Every driver chip's stop, with the models that drive it, for `docs/safety.md`. */
export const STOP_BEHAVIOURS_BY_CHIP: ReadonlyArray<{ chip: string; models: string; stop: MotorStopBehaviour }> = [
  {
    chip: 'TB6612FNG',
    models: '`adafruit,dc-motor-hat`, `waveshare,motor-driver-hat` (PCA9685 + TB6612), `toshiba,tb6612fng-gpio`',
    stop: TB6612_SHORT_BRAKE,
  },
  { chip: 'L298', models: '`st,l298n`', stop: L298_FAST_STOP },
  { chip: 'RoboClaw', models: '`basicmicro,roboclaw`', stop: ROBOCLAW_DUTY_ZERO },
];
