import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NativeAddonCacheError } from './native-addon-cache.js';

/** One embedded addon binary and the SHA-256 the build recorded for it. */
export interface EmbeddedAddon {
  name: string;
  /**
   * The binary's bytes, read only when the cache has no good copy: at every later start the
   * executable's pages that hold them are never touched, so they take no resident memory.
   */
  bytes: () => Uint8Array;
  /** Hex SHA-256 from the executable's manifest. */
  sha256: string;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Puts an embedded addon in the cache directory once and returns its file: `<dir>/<name>-<sha256
 * prefix>.node`. A file already there is used only when its hash matches the manifest; a missing or
 * damaged one is (re)written through a temporary file and a rename, so a crash never leaves half a
 * binary.
 * Throws a {@link NativeAddonCacheError} naming the directory when it cannot be written, and an
 * Error when the embedded bytes do not match the manifest (a damaged executable).
 */
export function extractNativeAddon(addon: EmbeddedAddon, dir: string): string {
  const file = join(dir, `${addon.name}-${addon.sha256.slice(0, 16)}.node`);
  if (hashOf(file) === addon.sha256) return file;
  const bytes = addon.bytes();
  if (sha256(bytes) !== addon.sha256)
    throw new Error(`the native addon ${addon.name} inside this executable is damaged (SHA-256 mismatch)`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, bytes, { mode: 0o755 });
    renameSync(partial, file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NativeAddonCacheError(
      `cannot extract the native addon ${addon.name} to ${dir} (${reason}); make that directory writable ` +
        'or point XDG_CACHE_HOME (or CACHE_DIRECTORY) at one that is',
    );
  }
  if (hashOf(file) !== addon.sha256) throw new NativeAddonCacheError(`${file} does not match after writing it`);
  return file;
}

function hashOf(file: string): string | null {
  try {
    return sha256(readFileSync(file));
  } catch {
    return null;
  }
}
