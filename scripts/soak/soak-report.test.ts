import { describe, expect, it } from 'vitest';
import { rssGrowth } from './rss-growth.js';
import { renderSoakPlotSvg } from './soak-plot-svg.js';
import type { SoakSample } from './soak-sample.js';
import { soakTable, spreadSamples, threadTable } from './soak-table.js';
import { cpuSOfStat, rssMbOfStatus } from './proc-sampler.js';
import { gaugeValue } from './prometheus-gauge.js';
import { soakScenario } from './soak-scenario.js';
import { scenarioSchema } from '../../simulator/scenario.js';

/** A deterministic wobble in -1..1 (no randomness: the test gives the same samples every run). */
const wobble = (i: number): number => Math.sin(i * 1.7) * Math.cos(i * 0.31);

/** 30 minutes sampled every 5 s: RSS `baseMb + mbPerHour * t + noiseMb * wobble`. */
function samples(baseMb: number, mbPerHour: number, noiseMb: number): SoakSample[] {
  return Array.from({ length: 361 }, (_, i) => {
    const tS = i * 5;
    return {
      tS,
      rssMb: baseMb + (mbPerHour * tS) / 3600 + noiseMb * wobble(i),
      cpuPct: 40 + 5 * wobble(i + 3),
      ledgerMb: 0.1 + tS / 10_000,
      ledgerEvents: 100 + i,
      threads: [
        {
          thread: 'main',
          wallMs: tS * 1000,
          heapUsedMb: 30,
          heapTotalMb: 40,
          externalMb: 3,
          eventLoopDelayP99Ms: 2,
          eventLoopDelayMaxMs: 9,
        },
        {
          thread: 'cortex#2',
          wallMs: tS * 1000,
          heapUsedMb: 20 + i / 100,
          heapTotalMb: 32,
          externalMb: 1.5,
          eventLoopDelayP99Ms: 4,
          eventLoopDelayMaxMs: 30,
        },
      ],
    };
  });
}

describe('soak RSS growth', () => {
  it('GIVEN a flat RSS with GC noise of +-8 MB THEN no growth is flagged', () => {
    const growth = rssGrowth(samples(300, 0, 8));
    expect(Math.abs(growth.mbPerHour)).toBeLessThan(growth.thresholdMbPerHour);
    expect(growth.flagged).toBe(false);
  });

  it('GIVEN RSS rising 60 MB/h under the same noise THEN the growth is measured near 60 MB/h and flagged', () => {
    const growth = rssGrowth(samples(300, 60, 8));
    expect(growth.mbPerHour).toBeGreaterThan(50);
    expect(growth.mbPerHour).toBeLessThan(70);
    expect(growth.flagged).toBe(true);
  });

  it('GIVEN a steep warm-up in the first half and a flat second half THEN only the second half counts', () => {
    const warm = samples(300, 0, 2).map((s) => (s.tS < 900 ? { ...s, rssMb: 200 + s.tS / 9 } : s));
    expect(rssGrowth(warm).flagged).toBe(false);
  });

  it('GIVEN a slope below the noise floor THEN it is not flagged however clean the line', () => {
    const growth = rssGrowth(samples(300, 5, 0), 10);
    expect(growth.mbPerHour).toBeCloseTo(5, 5);
    expect(growth.flagged).toBe(false);
  });

  it('GIVEN too few samples THEN nothing is flagged and there is no fit', () => {
    expect(rssGrowth(samples(300, 500, 0).slice(0, 3))).toMatchObject({ flagged: false, judged: false, fit: null });
  });

  it('GIVEN a 2-minute run rising fast THEN the slope is measured but not judged (still warm-up)', () => {
    const growth = rssGrowth(samples(300, 500, 0).slice(0, 25));
    expect(growth.mbPerHour).toBeCloseTo(500, 5);
    expect(growth).toMatchObject({ judged: false, flagged: false });
  });
});

describe('soak table and plot', () => {
  it('GIVEN 361 samples THEN the table has 30 rows spread over the run, first and last included', () => {
    const all = samples(300, 0, 1);
    const table = soakTable(all).split('\n');
    expect(table).toHaveLength(32);
    expect(table[0]).toContain('RSS MB');
    expect(table[2]).toMatch(/\| +4\.5 \|/); // external memory of both threads
    expect(table[2]).toMatch(/^\| 0\.0 +\| +300\.0 \|/);
    expect(table.at(-1)).toMatch(/^\| 30\.0 /);
    expect(spreadSamples([1, 2, 3], 30)).toEqual([1, 2, 3]);
  });

  it('GIVEN thread reports THEN the thread table gives each thread once with its first and last heap', () => {
    const table = threadTable(samples(300, 0, 1));
    expect(table).toMatch(/\| cortex#2 +\| +20\.0 \| +23\.6 \| +32\.0 \| +1\.5 \| +4\.0 \| +30\.0 \|/);
    expect(table).toMatch(/\| main /);
  });

  it('GIVEN a ramp THEN the SVG is one document with four panels, the fit line and the flag in its legend', () => {
    const all = samples(300, 60, 8);
    const svg = renderSoakPlotSvg(all, rssGrowth(all), 'soak <test>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('soak &lt;test&gt;');
    for (const title of ['Memory', 'CPU', 'Event-loop delay', 'Ledger on disk']) expect(svg).toContain(title);
    expect(svg).toMatch(/fit 6\d\.\d MB\/h FLAGGED/);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toContain('NaN');
  });

  it('GIVEN samples without thread reports THEN the heap and delay lines are left out, not drawn at zero', () => {
    const bare = samples(300, 0, 1).map((s) => ({ ...s, threads: [] }));
    const svg = renderSoakPlotSvg(bare, rssGrowth(bare), 'bare');
    expect(svg.match(/<path /g)).toHaveLength(4);
    expect(soakTable(bare)).toMatch(/\| +- \|/);
  });
});

describe('soak sampling and scenario', () => {
  it('GIVEN /proc texts THEN RSS and CPU time are read from them (a process name with spaces and parentheses too)', () => {
    expect(rssMbOfStatus('Name:\tnode\nVmRSS:\t  204800 kB\nThreads:\t12\n')).toBe(200);
    expect(rssMbOfStatus('Name:\tzombie\n')).toBeNull();
    const stat = '1234 (node (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 100 1000 500';
    expect(cpuSOfStat(stat)).toBe(3);
  });

  it('GIVEN a metrics scrape THEN the unlabelled gauge is read', () => {
    const text = '# TYPE spinal_ledger_events gauge\nspinal_ledger_events 42\nspinal_ledger_events_x 1\n';
    expect(gaugeValue(text, 'spinal_ledger_events')).toBe(42);
    expect(gaugeValue(text, 'spinal_missing')).toBeNull();
  });

  it('GIVEN 10 minutes and a 60 s period THEN the scenario is valid and repeats every fault and outage 10 times', () => {
    const scenario = scenarioSchema.parse(soakScenario({ robots: 3, durationS: 600, faultPeriodS: 60 }));
    expect(scenario.robots).toHaveLength(3);
    expect(scenario.robots.every((r) => 'patrol' in r.mission && r.mission.patrol.laps === 0)).toBe(true);
    const faults = scenario.robots.flatMap((r) => r.faults.map((f) => `${r.id} ${f.device} ${f.kind}`));
    expect(faults.filter((f) => f === 'robot-1 lidar unplug')).toHaveLength(10);
    expect(faults.filter((f) => f === 'robot-2 lidar corrupt')).toHaveLength(10);
    expect(faults.filter((f) => f === 'robot-3 motors eio')).toHaveLength(10);
    const script = scenario.robots[0]!.script.map((s) => `${s.atS} ${s.action}`);
    expect(script.slice(0, 2)).toEqual(['40 broker-stop', '45 broker-start']);
    expect(script).toHaveLength(20);
    expect(scenario.robots[0]!.faults.at(-1)!.atS).toBe(550);
  });
});
