/** The reflex thread's CPU scheduling priority, as `GET /api/v1/status` reports it. */
export interface SchedulingPriority {
  /** The thread's nice value (-20 highest .. 19 lowest; 0 is the default). */
  nice: number;
  /** True when it runs above the default priority. */
  raised: boolean;
  /** How it got it, in a few words (`raised by the service`, `not permitted: ...`). */
  source: string;
}
