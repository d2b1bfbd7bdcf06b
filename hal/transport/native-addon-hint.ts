import { isSea } from 'node:sea';

/**
 * What to do when a native addon package cannot be loaded: rebuild it on the board, when running
 * from node_modules; inside the single executable the addon is carried in the binary and the load
 * error already says what is wrong (the cache directory, a damaged binary), so nothing is added.
 */
export function addonLoadHint(rebuildCommand: string): string {
  return isSea() ? '' : `. Rebuild it on this board with "${rebuildCommand}"`;
}
