import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The directory native addons are extracted to, first of: `$CACHE_DIRECTORY` (set by systemd's
 * `CacheDirectory=spinal`, /var/cache/spinal), `$XDG_CACHE_HOME/spinal`, `~/.cache/spinal`.
 */
export function nativeAddonCacheDir(env: NodeJS.ProcessEnv = process.env, home: () => string = homedir): string {
  if (env.CACHE_DIRECTORY) return env.CACHE_DIRECTORY.split(':')[0]!;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'spinal');
  return join(home(), '.cache', 'spinal');
}

/** The cache directory cannot be created or written: the addon cannot be extracted. */
export class NativeAddonCacheError extends Error {
  override readonly name = 'NativeAddonCacheError';
}
