import type { Point2D } from '../../messages/geometry.js';

/**
 * Where straight lanes lie inside an inset polygon. Lanes are worked out in a sweep frame turned
 * by the sweep angle: `u` along the lanes, `n` across them (to the left of the lane direction).
 * The inset polygon is the set of points inside the polygon at least `insetM` from its boundary
 * (the polygon eroded by a disc, so the corners of a concave polygon come out rounded); it is
 * never built as a polygon: each lane is clipped to it exactly, by cutting away from the lane's
 * part inside the polygon every point within `insetM` of an edge (each edge's capsule).
 */

/** A point in the sweep frame: `uM` along the lanes, `nM` across them, metres. */
export interface SweepPoint {
  uM: number;
  nM: number;
}

/** A lane's piece inside the inset polygon: `fromUM < toUM`, metres along the lane. */
export type LaneInterval = readonly [fromUM: number, toUM: number];

/** Pieces shorter than this are a lane grazing the inset polygon, not a lane, metres. */
const MIN_INTERVAL_M = 1e-9;

/** The world point `p` in the sweep frame turned by `sweepAngleRad`. */
export function toSweepFrame(p: Point2D, sweepAngleRad: number): SweepPoint {
  const c = Math.cos(sweepAngleRad);
  const s = Math.sin(sweepAngleRad);
  return { uM: p.xM * c + p.yM * s, nM: -p.xM * s + p.yM * c };
}

/** The world point of sweep-frame point (uM, nM): the inverse of {@link toSweepFrame}. */
export function fromSweepFrame(uM: number, nM: number, sweepAngleRad: number): Point2D {
  const c = Math.cos(sweepAngleRad);
  const s = Math.sin(sweepAngleRad);
  return { xM: uM * c - nM * s, yM: uM * s + nM * c };
}

/** The range of `t` where `c0 + c1 t` lies within [lo, hi]; null when nowhere. */
function linearRange(c0: number, c1: number, lo: number, hi: number): [number, number] | null {
  if (c1 === 0) return c0 >= lo && c0 <= hi ? [-Infinity, Infinity] : null;
  const t1 = (lo - c0) / c1;
  const t2 = (hi - c0) / c1;
  return t1 <= t2 ? [t1, t2] : [t2, t1];
}

/**
 * The part of the line n = `nM` within `radiusM` of the segment a-b, as a range of u; null when
 * the line misses. The capsule (the segment widened by a disc) is convex, so it is one range: the
 * union of the line's pieces in the two end discs and in the rectangle along the segment.
 */
function capsuleRange(a: SweepPoint, b: SweepPoint, nM: number, radiusM: number): [number, number] | null {
  let low = Infinity;
  let high = -Infinity;
  for (const end of [a, b]) {
    const dn = nM - end.nM;
    if (Math.abs(dn) <= radiusM) {
      const half = Math.sqrt(radiusM * radiusM - dn * dn);
      low = Math.min(low, end.uM - half);
      high = Math.max(high, end.uM + half);
    }
  }
  const lengthM = Math.hypot(b.uM - a.uM, b.nM - a.nM);
  if (lengthM > 0) {
    const eu = (b.uM - a.uM) / lengthM;
    const en = (b.nM - a.nM) / lengthM;
    // Along the segment: (q - a)·e in [0, L]; across it: (q - a)·m in [-r, r], m = (-en, eu); q = (t, nM).
    const along = linearRange((nM - a.nM) * en - a.uM * eu, eu, 0, lengthM);
    const across = linearRange((nM - a.nM) * eu + a.uM * en, -en, -radiusM, radiusM);
    if (along && across) {
      const from = Math.max(along[0], across[0]);
      const to = Math.min(along[1], across[1]);
      if (from <= to) {
        low = Math.min(low, from);
        high = Math.max(high, to);
      }
    }
  }
  return low <= high ? [low, high] : null;
}

/**
 * The pieces of the lane n = `nM` inside the polygon (sweep frame) and at least `insetM` from its
 * boundary, in increasing u. A lane through a concave polygon may have several.
 */
export function laneIntervals(polygon: readonly SweepPoint[], nM: number, insetM: number): LaneInterval[] {
  const crossings: number[] = [];
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j]!;
    const b = polygon[i]!;
    if (a.nM > nM !== b.nM > nM) crossings.push(a.uM + ((nM - a.nM) * (b.uM - a.uM)) / (b.nM - a.nM));
  }
  crossings.sort((p, q) => p - q);
  let pieces: Array<[number, number]> = [];
  for (let k = 0; k + 1 < crossings.length; k += 2) pieces.push([crossings[k]!, crossings[k + 1]!]);
  if (insetM > 0 && pieces.length > 0) {
    const cuts: Array<[number, number]> = [];
    for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
      const cut = capsuleRange(polygon[j]!, polygon[i]!, nM, insetM);
      if (cut) cuts.push(cut);
    }
    pieces = subtractRanges(pieces, cuts);
  }
  return pieces.filter(([from, to]) => to - from > MIN_INTERVAL_M);
}

/** `pieces` (sorted, disjoint) with every point of any of `cuts` taken out. */
function subtractRanges(pieces: Array<[number, number]>, cuts: Array<[number, number]>): Array<[number, number]> {
  cuts.sort((p, q) => p[0] - q[0]);
  const out: Array<[number, number]> = [];
  for (const [from, to] of pieces) {
    let start = from;
    for (const [cutFrom, cutTo] of cuts) {
      if (cutTo <= start || cutFrom >= to) continue;
      if (cutFrom > start) out.push([start, cutFrom]);
      start = Math.max(start, cutTo);
      if (start >= to) break;
    }
    if (start < to) out.push([start, to]);
  }
  return out;
}

/** Probe lanes across the polygon used to find where the inset polygon begins and ends. */
const EXTENT_PROBES = 64;
/** Halvings of the bracket around each end of the inset polygon's extent. */
const EXTENT_BISECTIONS = 50;

/**
 * The range of n over which lanes meet the inset polygon, [lowNM, highNM]; null when the inset
 * leaves nothing. It lies within the polygon's own range of n brought in by `insetM` at both
 * ends, and is exactly that when the polygon is flat (an edge along the lanes) at both ends.
 * Otherwise each end is found by probing 65 evenly spaced lanes and halving the bracket between the
 * last empty and the first non-empty probe; a sliver of the inset polygon narrower than 1/64 of
 * that range and lying beyond the outermost non-empty probe is missed.
 */
export function insetExtent(polygon: readonly SweepPoint[], insetM: number): [number, number] | null {
  let minN = Infinity;
  let maxN = -Infinity;
  for (const p of polygon) {
    minN = Math.min(minN, p.nM);
    maxN = Math.max(maxN, p.nM);
  }
  const lo = minN + insetM;
  const hi = maxN - insetM;
  if (!(hi >= lo)) return null;
  const meets = (nM: number): boolean => laneIntervals(polygon, nM, insetM).length > 0;
  const probe = (i: number): number => lo + ((hi - lo) * i) / EXTENT_PROBES;
  let first = -1;
  let last = -1;
  for (let i = 0; i <= EXTENT_PROBES; i++) {
    if (!meets(probe(i))) continue;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0) return null;
  const edge = (empty: number, hit: number): number => {
    let outside = empty;
    let inside = hit;
    for (let k = 0; k < EXTENT_BISECTIONS; k++) {
      const mid = (outside + inside) / 2;
      if (meets(mid)) inside = mid;
      else outside = mid;
    }
    return inside;
  };
  const lowNM = first === 0 ? lo : edge(probe(first - 1), probe(first));
  const highNM = last === EXTENT_PROBES ? hi : edge(probe(last + 1), probe(last));
  return [lowNM, highNM];
}
