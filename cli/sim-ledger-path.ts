import { paramSources } from '../config/param-values.js';
import type { ParamValues } from '../config/params.js';

/**
 * Where a simulated robot keeps its ledger: in memory unless `ledger.path` was set (config file or
 * `SPINAL_LEDGER_PATH`); with several robots each gets its own file, `<path>.<robotId>`, beside it
 * (the first robot keeps the path as given, as only the first robot's debug port is on `debug.listen`).
 */
export function simLedgerPath(params: ParamValues, robotIndex: number, robotId: string): string {
  const path = params['ledger.path'];
  if (paramSources(params)?.['ledger.path'] === 'default' || path === ':memory:') return ':memory:';
  return robotIndex === 0 ? path : `${path}.${robotId}`;
}
