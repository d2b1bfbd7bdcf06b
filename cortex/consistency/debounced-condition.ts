/** What one look at a condition says: it holds, it is clearly gone, or the look cannot tell. */
export type Observation = 'violating' | 'clear' | 'unknown';

/**
 * A condition raised once it has been observed violating for `raiseAfterUs` without a break, and
 * cleared once observed clear for `clearAfterUs` without a break. An `unknown` observation breaks
 * both runs and keeps the state, so a condition never flaps at the rate it is looked at.
 */
export class DebouncedCondition {
  raised = false;
  private violatingSinceUs: number | null = null;
  private clearSinceUs: number | null = null;

  constructor(
    private readonly raiseAfterUs: number,
    private readonly clearAfterUs: number,
  ) {}

  /** One observation at `nowUs`; says whether the state changed. */
  update(nowUs: number, observation: Observation): 'raised' | 'cleared' | null {
    if (observation === 'violating') {
      this.clearSinceUs = null;
      this.violatingSinceUs ??= nowUs;
      if (!this.raised && nowUs - this.violatingSinceUs >= this.raiseAfterUs) {
        this.raised = true;
        return 'raised';
      }
      return null;
    }
    this.violatingSinceUs = null;
    if (observation === 'unknown') {
      this.clearSinceUs = null;
      return null;
    }
    this.clearSinceUs ??= nowUs;
    if (this.raised && nowUs - this.clearSinceUs >= this.clearAfterUs) {
      this.raised = false;
      return 'cleared';
    }
    return null;
  }

  /** Since when the current violating run has lasted (null: not violating now). */
  get violatingSince(): number | null {
    return this.violatingSinceUs;
  }
}
