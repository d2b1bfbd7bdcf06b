import { DEFAULT_NOISE_FLOOR_MB_PER_HOUR } from './rss-growth.js';

/** What `npm run soak -- ...` was asked for. */
export interface SoakOptions {
  minutes: number;
  /** Where the plot goes. */
  svg: string;
  /** Robots in the fleet, 2..4. */
  robots: number;
  /** Seconds between fault cycles. */
  faultPeriodS: number;
  /** Seconds between samples. */
  sampleS: number;
  noiseFloorMbPerHour: number;
  /** Where the samples go as JSON lines, when asked. */
  samplesFile: string | null;
  /** Load the thread probe into the simulation (per-thread heap and event-loop delay). */
  threadProbe: boolean;
}

export const SOAK_USAGE =
  'usage: npm run soak -- --minutes N [--svg FILE] [--robots 2..4] [--fault-period S] [--sample S] ' +
  '[--noise-mb-per-hour X] [--samples FILE.jsonl] [--no-thread-probe]';

/** The options, or a message saying what is wrong with them. */
export function parseSoakOptions(argv: readonly string[]): SoakOptions | { error: string } {
  const options: SoakOptions = {
    minutes: 5,
    svg: 'test-artifacts/soak.svg',
    robots: 3,
    faultPeriodS: 60,
    sampleS: 5,
    noiseFloorMbPerHour: DEFAULT_NOISE_FLOOR_MB_PER_HOUR,
    samplesFile: null,
    threadProbe: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const text = (): string | undefined => argv[++i];
    const number = (min: number, max = Infinity): number | { error: string } => {
      const raw = text();
      const value = Number(raw);
      return raw !== undefined && raw !== '' && Number.isFinite(value) && value >= min && value <= max
        ? value
        : {
            error: `${arg} needs a number from ${min}${max === Infinity ? '' : ` to ${max}`}, got ${raw ?? 'nothing'}`,
          };
    };
    let value: number | { error: string } | undefined;
    if (arg === '--minutes') value = number(0.1);
    else if (arg === '--robots') value = number(2, 4);
    else if (arg === '--fault-period') value = number(50);
    else if (arg === '--sample') value = number(1);
    else if (arg === '--noise-mb-per-hour') value = number(0);
    else if (arg === '--svg' || arg === '--samples') {
      const file = text();
      if (!file) return { error: `${arg} needs a file` };
      if (arg === '--svg') options.svg = file;
      else options.samplesFile = file;
      continue;
    } else if (arg === '--no-thread-probe') {
      options.threadProbe = false;
      continue;
    } else return { error: `unknown option ${arg}` };
    if (typeof value === 'object') return value;
    if (arg === '--minutes') options.minutes = value;
    else if (arg === '--robots') options.robots = Math.round(value);
    else if (arg === '--fault-period') options.faultPeriodS = value;
    else if (arg === '--sample') options.sampleS = value;
    else options.noiseFloorMbPerHour = value;
  }
  return options;
}
