// Writes the prior maps scenarios load (`*-prior-map`, `mission-refused`, `corridor-head-on`): each named scenario's walls and
// obstacles rasterised (simulator/world/rasterise-world.ts) and saved in ROS map_server format
// under simulator/scenarios/maps/. Run after changing one of those worlds:
//   npm run build && node dist/scripts/gen-scenario-maps.js
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveMapFile } from '../cortex/map-format/map-files.js';
import { loadScenarioFile } from '../simulator/scenario.js';
import { rasteriseWorld } from '../simulator/world/rasterise-world.js';

/** Scenario whose world each map is made from, by map name. */
const MAPS: Record<string, string> = {
  warehouse: 'warehouse.yaml',
  'default-room': 'default.yaml',
  'corridor-hall': 'corridor-head-on.yaml',
};
const RESOLUTION_M = 0.05;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenarios = join(root, 'simulator', 'scenarios');
mkdirSync(join(scenarios, 'maps'), { recursive: true });
for (const [name, file] of Object.entries(MAPS)) {
  const scenario = loadScenarioFile(join(scenarios, file));
  const target = join(scenarios, 'maps', `${name}.yaml`);
  saveMapFile(target, rasteriseWorld(scenario.world, RESOLUTION_M));
  console.log(`wrote ${target.slice(root.length + 1)}`);
}
