import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsumptionLearner } from './consumption-learner.js';

describe('ConsumptionLearner', () => {
  it('gives the prior before it has driven a whole window', () => {
    const learner = new ConsumptionLearner({ priorWhPerM: 0.03 });
    learner.observe(1, 1.9);
    expect(learner.whPerM()).toBe(0.03);
    expect(learner.learnedM()).toBe(0);
  });

  it("converges on the robot's own figure, whatever the prior and however the driving is cut into readings", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0.001, max: 0.5, noNaN: true }), { minLength: 200, maxLength: 400 }),
        (prior, truth, pieces) => {
          const learner = new ConsumptionLearner({ priorWhPerM: prior });
          for (const distanceM of pieces) learner.observe(truth * distanceM, distanceM);
          if (learner.learnedM() < 60) return;
          // After 30 windows at a gain of at least 0.1 the prior's weight is below 0.9^27.
          expect(Math.abs(learner.whPerM() - truth)).toBeLessThanOrEqual(0.1 * Math.abs(prior - truth) + 1e-9);
        },
      ),
    );
  });

  it('smooths: one costly window moves the figure by a share of the difference, not all of it', () => {
    const learner = new ConsumptionLearner({ priorWhPerM: 0.02, windowM: 2, priorWeight: 3 });
    for (let i = 0; i < 20; i++) learner.observe(0.04, 2);
    const settled = learner.whPerM();
    learner.observe(0.4, 2);
    expect(learner.whPerM()).toBeGreaterThan(settled);
    expect(learner.whPerM()).toBeCloseTo(settled + 0.1 * (0.2 - settled), 9);
  });

  it('ignores amounts that are negative or not finite', () => {
    const learner = new ConsumptionLearner({ priorWhPerM: 0.03, windowM: 1 });
    learner.observe(-1, 5);
    learner.observe(Number.NaN, 5);
    learner.observe(1, Infinity);
    expect(learner.whPerM()).toBe(0.03);
    expect(learner.learnedM()).toBe(0);
  });
});
