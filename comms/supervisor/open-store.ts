import { PostgresSupervisorStore } from './postgres-supervisor-store.js';
import { SqliteSupervisorStore } from './sqlite-supervisor-store.js';
import type { SupervisorStore } from './supervisor-store.js';

/** The store `--store` names: `sqlite:PATH` (the default, `sqlite:spinal-supervisor.db`) or `postgres://...`; null for anything else. */
export function openSupervisorStore(url: string): SupervisorStore | null {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return new PostgresSupervisorStore(url);
  if (url.startsWith('sqlite:')) return new SqliteSupervisorStore(url.slice('sqlite:'.length));
  return null;
}
