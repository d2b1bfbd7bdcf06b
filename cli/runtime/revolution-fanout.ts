import type { LidarDevice } from '../../hal/lidar/api.js';
import { RevolutionCollector } from '../../hal/lidar/revolution-collector.js';
import type { LidarPoints } from '../../messages/lidar-points.js';

/** Where whole revolutions go: each gets its own arrays, to transfer. */
export type RevolutionSink = (scan: LidarPoints) => void;

/**
 * Each lidar's packets gathered into whole revolutions, one message a turn to each sink (the
 * cortex's world model, the debug port's `GET /api/v1/scan`), so the reflex's thread only copies
 * points as they arrive and sends one message per turn per thread.
 */
export function fanOutRevolutions(lidars: readonly LidarDevice[], sinks: readonly RevolutionSink[]): void {
  if (sinks.length === 0) return;
  for (const lidar of lidars) {
    const collector = new RevolutionCollector();
    lidar.onPoints((points) => {
      const scan = collector.push(points, lidar.speedDegPerS());
      if (!scan) return;
      sinks.forEach((sink, i) => sink(i === sinks.length - 1 ? scan : copyOf(scan)));
    });
  }
}

function copyOf(scan: LidarPoints): LidarPoints {
  return {
    ...scan,
    xM: scan.xM.slice(),
    yM: scan.yM.slice(),
    rangeM: scan.rangeM.slice(),
    intensity: scan.intensity.slice(),
  };
}
