import { join } from 'node:path';

/** Where an installed robot keeps its files (scripts/install.sh puts them there), under a root (`/` on a robot). */
export interface InstallLayout {
  /** The executable the service runs. */
  binary: string;
  /** The executable before the last upgrade, kept to roll back to. */
  previous: string;
  /** The service's state directory (systemd `StateDirectory=spinal`). */
  stateDir: string;
  /** Upgrades and rollbacks, one JSON event per line. */
  upgradeEvents: string;
}

/** The layout under `root`. */
export function installLayout(root = '/'): InstallLayout {
  const stateDir = join(root, 'var', 'lib', 'spinal');
  return {
    binary: join(root, 'usr', 'local', 'bin', 'spinal'),
    previous: join(root, 'usr', 'local', 'bin', 'spinal.previous'),
    stateDir,
    upgradeEvents: join(stateDir, 'upgrade-events.jsonl'),
  };
}
