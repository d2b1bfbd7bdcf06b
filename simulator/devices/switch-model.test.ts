import { describe, expect, it } from 'vitest';
import { bumperSwitchParamsSchema, estopSwitchParamsSchema } from '../../hal/digital-input/switch/params.js';
import { fakeWorldView } from '../../test/harness/fake-world-view.js';
import { createSwitchSimDevice } from './switch-model.js';

const CHIP = 'pinctrl-bcm2711';
const LINE = 5;
const world = fakeWorldView();

describe('switch sim model: e-stop wired normally-closed to ground with a pull-up', () => {
  const params = estopSwitchParamsSchema.parse({});

  it('is LOW released, HIGH pressed (latched until released), with one edge per change at the advance time', () => {
    const estop = createSwitchSimDevice(CHIP, LINE, 'estop', params);
    expect(estop.lines).toEqual([{ chipLabel: CHIP, line: LINE }]);
    expect(estop.read({ chipLabel: CHIP, line: LINE })).toBe(0);
    expect(estop.advance(1_000, world)).toEqual([]);

    estop.press();
    expect(estop.advance(2_000, world)).toEqual([{ chipLabel: CHIP, line: LINE, level: 1, simTimeUs: 2_000 }]);
    expect(estop.advance(50_000, world)).toEqual([]);
    expect(estop.read({ chipLabel: CHIP, line: LINE })).toBe(1);

    estop.release();
    expect(estop.advance(51_000, world)).toEqual([{ chipLabel: CHIP, line: LINE, level: 0, simTimeUs: 51_000 }]);
    expect(estop.level()).toBe(0);
  });

  it('reads HIGH with its wire cut, pressed or not, and LOW again once mended', () => {
    const estop = createSwitchSimDevice(CHIP, LINE, 'estop', params);
    estop.cutWire();
    expect(estop.advance(1_000, world).map((e) => e.level)).toEqual([1]);
    estop.press();
    estop.release();
    expect(estop.advance(2_000, world)).toEqual([]);
    estop.repairWire();
    expect(estop.advance(3_000, world).map((e) => e.level)).toEqual([0]);
  });

  it('bounces after a change when asked to: five edges over bounceUs, settling at the new level', () => {
    const estop = createSwitchSimDevice(CHIP, LINE, 'estop', params, { bounceUs: 2_000 });
    estop.press();
    const first = estop.advance(10_000, world);
    const rest = estop.advance(11_000, world).concat(estop.advance(12_000, world));
    expect([...first, ...rest].map((e) => [e.simTimeUs, e.level])).toEqual([
      [10_000, 1],
      [10_500, 0],
      [11_000, 1],
      [11_500, 0],
      [12_000, 1],
    ]);
    expect(estop.level()).toBe(1);
  });

  it('keeps its level while stuck (a welded contact)', () => {
    const estop = createSwitchSimDevice(CHIP, LINE, 'estop', params);
    estop.setStuck(true);
    estop.press();
    expect(estop.advance(1_000, world)).toEqual([]);
    estop.setStuck(false);
    expect(estop.advance(2_000, world).map((e) => e.level)).toEqual([1]);
  });
});

describe('switch sim model: bumper wired normally-open to ground with a pull-up', () => {
  const params = bumperSwitchParamsSchema.parse({});

  it('is HIGH released and LOW while the robot touches something or while pressed by hand', () => {
    const bumper = createSwitchSimDevice(CHIP, 6, 'bumper', params);
    expect(bumper.read({ chipLabel: CHIP, line: 6 })).toBe(1);
    let touching = false;
    const contactWorld = fakeWorldView({ inContact: () => touching });
    expect(bumper.advance(1_000, contactWorld)).toEqual([]);
    touching = true;
    expect(bumper.advance(2_000, contactWorld)).toEqual([{ chipLabel: CHIP, line: 6, level: 0, simTimeUs: 2_000 }]);
    touching = false;
    expect(bumper.advance(3_000, contactWorld).map((e) => e.level)).toEqual([1]);
    bumper.press();
    expect(bumper.advance(4_000, contactWorld).map((e) => e.level)).toEqual([0]);
  });

  it('reads released (HIGH) with its wire cut: a normally-open bumper is not fail-safe', () => {
    const bumper = createSwitchSimDevice(CHIP, 6, 'bumper', params);
    bumper.press();
    expect(bumper.advance(1_000, world).map((e) => e.level)).toEqual([0]);
    bumper.cutWire();
    expect(bumper.advance(2_000, world).map((e) => e.level)).toEqual([1]);
  });

  it('an e-stop pressed by hand does not follow contact', () => {
    const estop = createSwitchSimDevice(CHIP, LINE, 'estop', estopSwitchParamsSchema.parse({}));
    expect(estop.advance(1_000, fakeWorldView({ inContact: () => true }))).toEqual([]);
  });
});
