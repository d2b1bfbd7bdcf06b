import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pose2D } from '../../messages/geometry.js';
import { CELL_UNKNOWN, type OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { keptPosePath, readKeptPlace } from './kept-place.js';
import {
  KEEP_MAP_PERIOD_US,
  KEEP_POSE_PERIOD_US,
  PlaceKeeper,
  type KeeperFiles,
  type KeptGrid,
} from './place-keeper.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'spinal-kept-'));
  folders.push(path);
  return path;
}

/** A grid of `width` x `height` random cells (unknown, or 0..100), at a random origin and resolution. */
const gridArbitrary: fc.Arbitrary<OccupancyGridMessage> = fc
  .record({
    width: fc.integer({ min: 1, max: 40 }),
    height: fc.integer({ min: 1, max: 40 }),
    resolutionM: fc.constantFrom(0.025, 0.05, 0.1, 0.2),
    xM: fc.integer({ min: -500, max: 500 }).map((v) => v / 10),
    yM: fc.integer({ min: -500, max: 500 }).map((v) => v / 10),
    seed: fc.integer(),
  })
  .map(({ width, height, resolutionM, xM, yM, seed }) => {
    const cells = new Int8Array(width * height);
    let state = seed >>> 0;
    for (let i = 0; i < cells.length; i++) {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      const draw = state % 103;
      cells[i] = draw > 100 ? CELL_UNKNOWN : draw;
    }
    return { resolutionM, widthCells: width, heightCells: height, origin: { xM, yM, yawRad: 0 }, cells, version: 1 };
  });

const poseArbitrary: fc.Arbitrary<Pose2D> = fc.record({
  xM: fc.double({ min: -100, max: 100, noNaN: true }).map((v) => v + 0),
  yM: fc.double({ min: -100, max: 100, noNaN: true }).map((v) => v + 0),
  yawRad: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }).map((v) => v + 0),
});

function kept(grid: OccupancyGridMessage): KeptGrid {
  return { version: grid.version, toMessage: () => grid };
}

describe('the robot keeps its place across restarts', () => {
  it('a built map and the last pose come back exactly as they were kept', () => {
    fc.assert(
      fc.property(gridArbitrary, poseArbitrary, (grid, pose) => {
        const mapPath = join(folder(), 'spinal-map.yaml');
        const keeper = new PlaceKeeper(mapPath, null, (problem) => expect(problem).toBeNull());
        keeper.flush(pose, kept(grid), 0);
        const { place, note } = readKeptPlace(mapPath, null);
        expect(note).toBeNull();
        expect(place?.pose).toEqual(pose);
        expect(place?.map?.widthCells).toBe(grid.widthCells);
        expect(place?.map?.heightCells).toBe(grid.heightCells);
        expect(place?.map?.resolutionM).toBe(grid.resolutionM);
        expect(place?.map?.origin).toEqual(grid.origin);
        expect(Array.from(place?.map?.cells ?? [])).toEqual(Array.from(grid.cells));
      }),
      { numRuns: 40 },
    );
  });

  it('on a prior map only the pose is kept, and it comes back only onto that same map', () => {
    fc.assert(
      fc.property(gridArbitrary, poseArbitrary, fc.nat(), (prior, pose, pick) => {
        const dir = folder();
        const mapPath = join(dir, 'spinal-map.yaml');
        new PlaceKeeper(mapPath, prior, (problem) => expect(problem).toBeNull()).flush(pose, kept(prior), 0);
        expect(readdirSync(dir)).toEqual(['spinal-map.pose.json']);
        expect(readKeptPlace(mapPath, prior)).toEqual({ place: { map: null, pose }, note: null });
        // One cell of the prior changed: it is another map, and the pose is not restored onto it.
        const changed = { ...prior, cells: Int8Array.from(prior.cells) };
        const index = pick % changed.cells.length;
        changed.cells[index] = changed.cells[index] === 0 ? 100 : 0;
        const other = readKeptPlace(mapPath, changed);
        expect(other.place).toBeNull();
        expect(other.note).toContain('another map');
        // Nor is a pose kept on a prior map restored onto a map built from nothing.
        expect(readKeptPlace(mapPath, null).place).toBeNull();
      }),
      { numRuns: 30 },
    );
  });

  it('nothing kept is a fresh start without a note; a damaged pose file or map is a fresh start that says why', () => {
    const dir = folder();
    const mapPath = join(dir, 'spinal-map.yaml');
    expect(readKeptPlace(mapPath, null)).toEqual({ place: null, note: null });
    for (const garbage of ['', '{', '{"format":"spinal-kept-pose/1"}', '[1,2,3]', '{"format":"other","map":"built"}']) {
      writeFileSync(keptPosePath(mapPath), garbage);
      const reading = readKeptPlace(mapPath, null);
      expect(reading.place).toBeNull();
      expect(reading.note).toContain('not a kept pose');
    }
    writeFileSync(
      keptPosePath(mapPath),
      JSON.stringify({
        format: 'spinal-kept-pose/1',
        map: 'built',
        mapVersion: 3,
        pose: { xM: 1, yM: 2, yawRad: 0 },
        savedAtIso: '',
      }),
    );
    writeFileSync(mapPath, 'image: spinal-map.pgm\nresolution: 0.05\norigin: [0, 0, 0]\n');
    const reading = readKeptPlace(mapPath, null);
    expect(reading.place).toBeNull();
    expect(reading.note).toContain('cannot be read');
  });

  it('a kill in the middle of a write leaves the last complete files', () => {
    fc.assert(
      fc.property(gridArbitrary, poseArbitrary, poseArbitrary, (grid, first, second) => {
        const mapPath = join(folder(), 'spinal-map.yaml');
        new PlaceKeeper(mapPath, null, (problem) => expect(problem).toBeNull()).flush(first, kept(grid), 0);
        // The next write dies after its temporary file: what a kill -9 mid-write leaves behind.
        writeFileSync(`${keptPosePath(mapPath)}.999.tmp`, JSON.stringify({ pose: second }).slice(0, 7));
        expect(readKeptPlace(mapPath, null).place?.pose).toEqual(first);
      }),
      { numRuns: 20 },
    );
  });
});

describe('PlaceKeeper', () => {
  function recording(fail: () => boolean = () => false) {
    const writes: { kind: 'pose' | 'map'; pose?: Pose2D; version?: number }[] = [];
    const files: KeeperFiles = {
      writeFile: (_path, data) => {
        if (fail()) throw new Error('ENOSPC: no space left on device');
        writes.push({ kind: 'pose', pose: (JSON.parse(data) as { pose: Pose2D }).pose });
      },
      saveMap: (_path, grid) => {
        if (fail()) throw new Error('ENOSPC: no space left on device');
        writes.push({ kind: 'map', version: grid.version });
      },
    };
    return { writes, files };
  }

  function grid(version: number): KeptGrid {
    return {
      version,
      toMessage: () => ({
        resolutionM: 0.05,
        widthCells: 1,
        heightCells: 1,
        origin: { xM: 0, yM: 0, yawRad: 0 },
        cells: new Int8Array(1),
        version,
      }),
    };
  }

  it('writes the pose at most every period and only when the robot moved; the map only when it changed', () => {
    // GIVEN poses noted at 20 Hz for a minute, the robot moving for the first 30 s, the map changing every second
    const { writes, files } = recording();
    const keeper = new PlaceKeeper('/kept/spinal-map.yaml', null, () => {}, files);
    const stepUs = 50_000;
    for (let nowUs = 0; nowUs <= 60_000_000; nowUs += stepUs) {
      const moving = nowUs < 30_000_000;
      const pose = { xM: moving ? nowUs / 1e7 : 3, yM: 0, yawRad: 0 };
      keeper.notePose(pose, nowUs, grid(Math.floor(nowUs / 1e6)));
    }
    // THEN pose writes are spaced by the period, and none follow once the robot stands still
    const poseTimes = [
      ...new Set(writes.filter((w) => w.kind === 'pose').map((w) => Math.round((w.pose?.xM ?? 0) * 1e7))),
    ];
    for (let i = 1; i < poseTimes.length; i++) {
      expect((poseTimes[i] ?? 0) - (poseTimes[i - 1] ?? 0)).toBeGreaterThanOrEqual(KEEP_POSE_PERIOD_US - 1);
    }
    expect(poseTimes.every((t) => t <= 30_000_000)).toBe(true);
    // AND the map is written at start and then once per map period
    const maps = writes.filter((w) => w.kind === 'map');
    expect(maps.length).toBe(1 + Math.floor(60_000_000 / KEEP_MAP_PERIOD_US));
  });

  it('flush writes what changed whatever the periods, and nothing when nothing changed', () => {
    const { writes, files } = recording();
    const keeper = new PlaceKeeper('/kept/spinal-map.yaml', null, () => {}, files);
    keeper.notePose({ xM: 0, yM: 0, yawRad: 0 }, 0, grid(1));
    const before = writes.length;
    keeper.flush({ xM: 0.5, yM: 0, yawRad: 0 }, grid(2), 100);
    expect(writes.slice(before)).toEqual([
      { kind: 'map', version: 2 },
      { kind: 'pose', pose: { xM: 0.5, yM: 0, yawRad: 0 } },
    ]);
    const after = writes.length;
    keeper.flush({ xM: 0.5, yM: 0, yawRad: 0 }, grid(2), 200);
    expect(writes.length).toBe(after);
  });

  it('a failing disk is reported once per reason and retried at the next period; the robot goes on', () => {
    let failing = true;
    const { writes, files } = recording(() => failing);
    const problems: (string | null)[] = [];
    const keeper = new PlaceKeeper('/kept/spinal-map.yaml', null, (p) => problems.push(p), files);
    for (let nowUs = 0; nowUs < 10 * KEEP_POSE_PERIOD_US; nowUs += 50_000) {
      keeper.notePose({ xM: nowUs / 1e6, yM: 0, yawRad: 0 }, nowUs, grid(1));
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('no space left');
    expect(keeper.failures).toBeGreaterThan(5);
    failing = false;
    keeper.notePose({ xM: 99, yM: 0, yawRad: 0 }, 10 * KEEP_POSE_PERIOD_US, grid(1));
    keeper.flush({ xM: 99, yM: 0, yawRad: 0 }, grid(1), 10 * KEEP_POSE_PERIOD_US + KEEP_MAP_PERIOD_US);
    expect(writes.some((w) => w.kind === 'pose' && w.pose?.xM === 99)).toBe(true);
    expect(writes.some((w) => w.kind === 'map')).toBe(true);
    // AND the recovery is reported once
    expect(problems).toHaveLength(2);
    expect(problems[1]).toBeNull();
  });

  it('reads what it wrote with the real file system (format tag and map version in the pose file)', () => {
    const mapPath = join(folder(), 'spinal-map.yaml');
    new PlaceKeeper(mapPath, null, () => {}).flush({ xM: 1, yM: 2, yawRad: 3 }, grid(7), 0);
    const record = JSON.parse(readFileSync(keptPosePath(mapPath), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ format: 'spinal-kept-pose/1', map: 'built', mapVersion: 7 });
  });
});
