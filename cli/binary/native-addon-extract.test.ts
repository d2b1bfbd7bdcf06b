import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NativeAddonCacheError, nativeAddonCacheDir } from './native-addon-cache.js';
import { extractNativeAddon } from './native-addon-extract.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('extractNativeAddon', () => {
  it('GIVEN any addon bytes WHEN extracted twice THEN one file with exactly those bytes, named by its hash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4096 }), (bytes) => {
        const dir = join(mkdtempSync(join(tmpdir(), 'spinal-addon-')), 'cache');
        const addon = { name: 'i2c', bytes: () => bytes, sha256: sha256(bytes) };
        const first = extractNativeAddon(addon, dir);
        const second = extractNativeAddon(addon, dir);
        expect(second).toBe(first);
        expect(first).toBe(join(dir, `i2c-${addon.sha256.slice(0, 16)}.node`));
        expect(new Uint8Array(readFileSync(first))).toEqual(bytes);
        expect(readdirSync(dir)).toHaveLength(1);
      }),
      { numRuns: 25 },
    );
  });

  it('GIVEN a damaged file in the cache WHEN extracted THEN it is written again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-addon-'));
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const file = extractNativeAddon({ name: 'epoll', bytes: () => bytes, sha256: sha256(bytes) }, dir);
    writeFileSync(file, 'truncated');
    extractNativeAddon({ name: 'epoll', bytes: () => bytes, sha256: sha256(bytes) }, dir);
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
  });

  it('GIVEN a good copy in the cache WHEN extracted again THEN the embedded bytes are not read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-addon-'));
    const bytes = new Uint8Array([7, 8, 9]);
    let reads = 0;
    const addon = { name: 'i2c', bytes: () => (reads++, bytes), sha256: sha256(bytes) };
    const file = extractNativeAddon(addon, dir);
    expect(reads).toBe(1);
    expect(extractNativeAddon(addon, dir)).toBe(file);
    expect(reads).toBe(1);
  });

  it('GIVEN embedded bytes that do not match the manifest WHEN extracted THEN it refuses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-addon-'));
    expect(() =>
      extractNativeAddon({ name: 'serialport', bytes: () => new Uint8Array([9]), sha256: '00' }, dir),
    ).toThrow(/damaged/);
  });

  it('GIVEN a cache directory that cannot be created WHEN extracted THEN a NativeAddonCacheError names it', () => {
    const base = mkdtempSync(join(tmpdir(), 'spinal-addon-'));
    writeFileSync(join(base, 'a-file'), '');
    const bytes = new Uint8Array([5]);
    const dir = join(base, 'a-file', 'cache');
    expect(() => extractNativeAddon({ name: 'i2c', bytes: () => bytes, sha256: sha256(bytes) }, dir)).toThrow(
      NativeAddonCacheError,
    );
    expect(() => extractNativeAddon({ name: 'i2c', bytes: () => bytes, sha256: sha256(bytes) }, dir)).toThrow(dir);
  });
});

describe('nativeAddonCacheDir', () => {
  it('prefers systemd CacheDirectory, then XDG_CACHE_HOME, then ~/.cache', () => {
    const home = (): string => '/home/pi';
    expect(nativeAddonCacheDir({ CACHE_DIRECTORY: '/var/cache/spinal', XDG_CACHE_HOME: '/x' }, home)).toBe(
      '/var/cache/spinal',
    );
    expect(nativeAddonCacheDir({ XDG_CACHE_HOME: '/x' }, home)).toBe('/x/spinal');
    expect(nativeAddonCacheDir({}, home)).toBe('/home/pi/.cache/spinal');
  });
});
