import { getAsset, getRawAsset, isSea } from 'node:sea';
import { VERSION } from '../embedded-assets.generated.js';
import { nativeAddonCacheDir } from './native-addon-cache.js';
import { extractNativeAddon } from './native-addon-extract.js';

/** Where an addon sits among the executable's assets (named by scripts/binary/native-addons.mjs). */
export interface NativeAddonAssets {
  /** The addon's binary. */
  binary: string;
  /** The manifest `{name: sha256}` of every embedded addon. */
  manifest: string;
}

let manifest: Record<string, string> | null = null;
const loaded = new Map<string, unknown>();

/**
 * Loads a native addon carried inside the single executable: extracted once to the cache directory
 * (`<cache>/<version>/`), checked against its SHA-256, then opened; once there, it is read from the cache alone. The bundle of the executable
 * routes the packages' own loaders (`bindings`, `node-gyp-build`) here.
 */
export function loadNativeAddon(name: string, assets: NativeAddonAssets): unknown {
  const done = loaded.get(name);
  if (done !== undefined) return done;
  if (!isSea()) throw new Error(`the native addon ${name} is embedded only in the single executable`);
  manifest ??= JSON.parse(getAsset(assets.manifest, 'utf8')) as Record<string, string>;
  const sha256 = manifest[name];
  if (sha256 === undefined) throw new Error(`the native addon ${name} is not inside this executable`);
  // The raw asset is a view of the executable's own pages (read-only, not copied).
  const bytes = (): Uint8Array => new Uint8Array(getRawAsset(assets.binary) as ArrayBuffer);
  const file = extractNativeAddon({ name, bytes, sha256 }, `${nativeAddonCacheDir()}/${VERSION}`);
  const module = { exports: {} as unknown };
  process.dlopen(module, file);
  loaded.set(name, module.exports);
  return module.exports;
}
