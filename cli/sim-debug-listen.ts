import { formatListenAddress, parseListenAddress } from '../config/listen-address.js';

/**
 * The debug-port address of the robot at `index` in a simulated fleet, `listen` being the
 * configured `debug.listen`: the first robot binds `listen` itself, every other robot the same
 * host on port 0 (a free port the system picks), so that several robots in one world never fight
 * over one port and each still has its own debug port (its address is announced and used by the
 * scenario's scripted e-stops).
 */
export function simDebugListen(listen: string, index: number): string {
  if (index === 0) return listen;
  const { host } = parseListenAddress(listen, 'debug.listen');
  return formatListenAddress(host, 0);
}
