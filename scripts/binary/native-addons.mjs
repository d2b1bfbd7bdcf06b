/**
 * The native addons the single executable carries: the one list. Each is rebuilt per target against
 * the embedded Node's headers (scripts/binary/build-native-addons.mjs), embedded as an asset
 * `native/<name>.node`, and loaded in place of the package's own loader (`bindings` or
 * `node-gyp-build`) by cli/binary/native-addon-loader.ts. Adding an addon is one line here.
 *
 * @typedef {object} NativeAddon
 * @property {string} name Asset name, and what the package asks its loader for.
 * @property {string} package npm package holding `binding.gyp`.
 * @property {'bindings' | 'node-gyp-build'} loader The module the package loads its binary with.
 * @property {string} binary The built file, relative to the package.
 */

/** @type {readonly NativeAddon[]} */
export const NATIVE_ADDONS = Object.freeze([
  {
    name: 'serialport',
    package: '@serialport/bindings-cpp',
    loader: 'node-gyp-build',
    binary: 'build/Release/bindings.node',
  },
  { name: 'i2c', package: 'i2c-bus', loader: 'bindings', binary: 'build/Release/i2c.node' },
  { name: 'epoll', package: 'epoll', loader: 'bindings', binary: 'build/Release/epoll.node' },
  {
    name: 'better_sqlite3',
    package: 'better-sqlite3',
    loader: 'bindings',
    binary: 'build/Release/better_sqlite3.node',
  },
]);

/** The asset key of an addon's binary inside the executable. */
export function nativeAddonAsset(name) {
  return `native/${name}.node`;
}

/** The asset key of the manifest `{name: sha256}` the loader checks each binary against. */
export const NATIVE_MANIFEST_ASSET = 'native/manifest.json';
