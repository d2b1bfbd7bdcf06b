import { hostListOf, type ParamValues } from '../../config/params.js';
import type { CommsWorkerData } from '../comms-thread-protocol.js';

/** What the debug port is started with: its address, its tokens and the host names it answers to. */
export type DebugPortSettings = Omit<CommsWorkerData, 'role'>;

/**
 * The debug port's settings from resolved parameters (`debug.*`). The one place this mapping is
 * written; the runtime and the tests build their settings here.
 */
export function debugPortSettingsFromParams(params: ParamValues): DebugPortSettings {
  return {
    listen: params['debug.listen'],
    token: params['debug.token'],
    readToken: params['debug.readToken'],
    allowedHosts: hostListOf(params['debug.allowedHosts']),
  };
}
