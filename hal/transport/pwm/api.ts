/**
 * A PWM output: the kernel's pwmchip interface (`/sys/class/pwm/pwmchipN/pwmM`) where the board has
 * hardware PWM, software PWM on a GPIO line otherwise, or the simulator's.
 */
export interface PwmChannelSpec {
  /** Hardware PWM: the pwmchip's number and channel. Software PWM: the GPIO chip label and line. */
  chip: string;
  channel: number;
  /** Period, nanoseconds (e.g. 50_000 for 20 kHz). */
  periodNs: number;
}

export interface PwmChannel {
  readonly spec: PwmChannelSpec;
  /** Duty cycle 0..1 (fraction of the period the output is high). */
  setDuty(duty: number): Promise<void>;
  enable(on: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface PwmBackend {
  readonly kind: string;
  open(spec: PwmChannelSpec): Promise<PwmChannel>;
}
