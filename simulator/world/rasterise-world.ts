import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { obstacleShape, wallSegment, worldBounds, type ScenarioWorld } from '../scenario.js';
import { pointInShape, pointSegmentDistance, polygonEdges } from './geometry.js';

/**
 * A scenario's walls and fixed obstacles rasterised into an occupancy grid (a prior map for
 * tests and for the `*-prior-map` scenarios): a cell is occupied (100) when a wall or an
 * obstacle's outline passes within half a cell of its centre or its centre lies inside an
 * obstacle, free (0) otherwise. The grid covers the world's bounds plus `marginM` all round;
 * movers are left out (they are not where they will be).
 */
export function rasteriseWorld(world: ScenarioWorld, resolutionM: number, marginM = 0.5): OccupancyGridMessage {
  const bounds = worldBounds(world);
  const originX = bounds.minXM - marginM;
  const originY = bounds.minYM - marginM;
  const width = Math.ceil((bounds.maxXM - bounds.minXM + 2 * marginM) / resolutionM);
  const height = Math.ceil((bounds.maxYM - bounds.minYM + 2 * marginM) / resolutionM);
  const cells = new Int8Array(width * height);
  const shapes = world.obstacles.map(obstacleShape);
  const segments = [
    ...world.walls.map(wallSegment),
    ...shapes.flatMap((shape) => (shape.kind === 'polygon' ? polygonEdges(shape.points) : [])),
  ];
  const half = resolutionM / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const centre = { xM: originX + (x + 0.5) * resolutionM, yM: originY + (y + 0.5) * resolutionM };
      const onOutline = segments.some((s) => pointSegmentDistance(centre, s) <= half);
      const inside = shapes.some((shape) => pointInShape(centre, shape));
      const nearCircle = shapes.some(
        (shape) =>
          shape.kind === 'circle' &&
          Math.abs(Math.hypot(centre.xM - shape.circle.xM, centre.yM - shape.circle.yM) - shape.circle.radiusM) <= half,
      );
      cells[y * width + x] = onOutline || inside || nearCircle ? 100 : 0;
    }
  }
  return {
    resolutionM,
    widthCells: width,
    heightCells: height,
    origin: { xM: originX, yM: originY, yawRad: 0 },
    cells,
    version: 1,
  };
}
