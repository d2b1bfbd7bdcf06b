import { esc } from '../../simulator/plot/run-plot-svg.js';
import type { RssGrowth } from './rss-growth.js';
import type { SoakSample } from './soak-sample.js';
import { threadSummary } from './soak-table.js';

/**
 * The picture of a soak run: a self-contained SVG of four panels over wall time (minutes): memory
 * (RSS, with the fitted line of its growth over the second half, the V8 heaps of the main thread
 * and of the workers, and the threads' external memory), CPU, event-loop delay (main thread and worst worker, p99) and the ledger's
 * size on disk. Pure: data in, text out.
 */

const WIDTH_PX = 900;
const PANEL_HEIGHT_PX = 150;
const PANEL_GAP_PX = 46;
const LEFT_PX = 64;
const RIGHT_PX = 170;
const TOP_PX = 40;
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00'];

interface Series {
  label: string;
  points: ReadonlyArray<readonly [number, number | null]>;
  dashed?: boolean;
}

interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

/** The SVG document of a run. */
export function renderSoakPlotSvg(samples: readonly SoakSample[], growth: RssGrowth, title: string): string {
  const minutes = (s: SoakSample): number => s.tS / 60;
  const threads = samples.map((s) => threadSummary(s.threads));
  const memory: Series[] = [
    { label: 'RSS', points: samples.map((s) => [minutes(s), s.rssMb]) },
    { label: 'heap main', points: samples.map((s, i) => [minutes(s), threads[i]!.mainHeapMb]) },
    { label: 'heap workers', points: samples.map((s, i) => [minutes(s), threads[i]!.workersHeapMb]) },
    { label: 'external, all', points: samples.map((s, i) => [minutes(s), threads[i]!.externalMb]) },
  ];
  if (growth.fit) {
    memory.push({
      label: `fit ${growth.mbPerHour.toFixed(1)} MB/h${growth.flagged ? ' FLAGGED' : ''}`,
      points: [
        [growth.fit.fromS / 60, growth.fit.fromMb],
        [growth.fit.toS / 60, growth.fit.toMb],
      ],
      dashed: true,
    });
  }
  const panels: Panel[] = [
    { title: 'Memory', unit: 'MB', series: memory },
    {
      title: 'CPU (100 % = one core)',
      unit: '%',
      series: [{ label: 'process', points: samples.map((s) => [minutes(s), s.cpuPct]) }],
    },
    {
      title: 'Event-loop delay, p99',
      unit: 'ms',
      series: [
        { label: 'main (reflex)', points: samples.map((s, i) => [minutes(s), threads[i]!.mainDelayP99Ms]) },
        { label: 'worst worker', points: samples.map((s, i) => [minutes(s), threads[i]!.workersDelayP99Ms]) },
      ],
    },
    {
      title: 'Ledger on disk',
      unit: 'MB',
      series: [{ label: 'ledger files', points: samples.map((s) => [minutes(s), s.ledgerMb]) }],
    },
  ];
  const endMin = Math.max(samples.at(-1)?.tS ?? 0, 1) / 60;
  const heightPx = TOP_PX + panels.length * (PANEL_HEIGHT_PX + PANEL_GAP_PX);
  const body = panels
    .map((panel, i) => panelSvg(panel, TOP_PX + i * (PANEL_HEIGHT_PX + PANEL_GAP_PX), endMin))
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH_PX}" height="${heightPx}" viewBox="0 0 ${WIDTH_PX} ${heightPx}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH_PX}" height="${heightPx}" fill="#fff"/>`,
    `<text x="${LEFT_PX}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

function panelSvg(panel: Panel, topPx: number, endMin: number): string {
  const plotWidth = WIDTH_PX - LEFT_PX - RIGHT_PX;
  const values = panel.series.flatMap((s) => s.points.flatMap(([, v]) => (v === null ? [] : [v])));
  const maxValue = niceCeiling(Math.max(0, ...values));
  const x = (min: number): number => LEFT_PX + (min / endMin) * plotWidth;
  const y = (value: number): number => topPx + PANEL_HEIGHT_PX - (value / maxValue) * PANEL_HEIGHT_PX;
  const parts = [
    `<text x="${LEFT_PX}" y="${topPx - 8}" font-weight="bold">${esc(panel.title)}</text>`,
    `<rect x="${LEFT_PX}" y="${topPx}" width="${plotWidth}" height="${PANEL_HEIGHT_PX}" fill="none" stroke="#999"/>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const value = (maxValue * k) / 4;
    parts.push(
      `<line x1="${LEFT_PX}" x2="${LEFT_PX + plotWidth}" y1="${fmt(y(value))}" y2="${fmt(y(value))}" stroke="#eee"/>`,
      `<text x="${LEFT_PX - 6}" y="${fmt(y(value) + 4)}" text-anchor="end">${fmtValue(value)} ${esc(panel.unit)}</text>`,
    );
  }
  for (let k = 0; k <= 5; k++) {
    const min = (endMin * k) / 5;
    parts.push(
      `<text x="${fmt(x(min))}" y="${topPx + PANEL_HEIGHT_PX + 15}" text-anchor="middle">${fmtValue(min)} min</text>`,
    );
  }
  panel.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const runs = segments(series.points);
    for (const run of runs) {
      const d = run.map(([m, v], j) => `${j === 0 ? 'M' : 'L'}${fmt(x(m))},${fmt(y(v))}`).join(' ');
      parts.push(
        `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    const legendY = topPx + 14 + i * 16;
    parts.push(
      `<line x1="${WIDTH_PX - RIGHT_PX + 10}" x2="${WIDTH_PX - RIGHT_PX + 30}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${colour}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${WIDTH_PX - RIGHT_PX + 36}" y="${legendY}">${esc(series.label)}</text>`,
    );
  });
  return parts.join('\n');
}

/** The unbroken stretches of a series (a missing value breaks the line). */
function segments(points: ReadonlyArray<readonly [number, number | null]>): Array<Array<[number, number]>> {
  const runs: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  for (const [m, v] of points) {
    if (v === null) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else current.push([m, v]);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value` (1 for 0). */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function fmt(value: number): string {
  return value.toFixed(1);
}

function fmtValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
}
