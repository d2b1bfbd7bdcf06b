/**
 * Builds each native addon of NATIVE_ADDONS for a target against the embedded Node's headers, with
 * node-gyp; arm64 is cross-compiled with Debian's `g++-aarch64-linux-gnu`. The package is copied into
 * the build cache first, so the addons built for the development Node in node_modules stay as they are.
 * A built addon is reused while its package version and the Node version are the same.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { NATIVE_ADDONS } from './native-addons.mjs';
import { NODE_VERSION } from './node-dist.mjs';

const CROSS = Object.freeze({
  arm64: {
    CC: 'aarch64-linux-gnu-gcc',
    CXX: 'aarch64-linux-gnu-g++',
    LINK: 'aarch64-linux-gnu-g++',
    AR: 'aarch64-linux-gnu-ar',
  },
});

/**
 * @param {{repoRoot: string, cacheDir: string, arch: 'x64' | 'arm64', nodeDir: string, log: (line: string) => void}} options
 * @returns {Record<string, string>} Each addon's built file, by name.
 */
export function buildNativeAddons({ repoRoot, cacheDir, arch, nodeDir, log }) {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  const built = {};
  for (const addon of NATIVE_ADDONS) {
    const source = path.dirname(require.resolve(`${addon.package}/package.json`));
    const version = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')).version;
    // Inside the repository, so that binding.gyp's `require('nan')` and the like resolve.
    const work = path.join(cacheDir, 'addons', `node-${NODE_VERSION}-${arch}`, `${addon.name}-${version}`);
    const file = path.join(work, addon.binary);
    if (!existsSync(file)) {
      log(`native addon ${addon.name} (${addon.package} ${version}) for linux-${arch}`);
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      cpSync(source, work, {
        recursive: true,
        filter: (from) => !/^[\\/](build|prebuilds)$/.test(from.slice(source.length)),
      });
      execFileSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, `--arch=${arch}`, '--silent'], {
        cwd: work,
        // npm passes its own `nodedir` setting down as npm_config_nodedir, which node-gyp prefers to
        // --nodedir: name the embedded Node's headers there too, or an ABI-bound addon is built for
        // the Node that runs this script.
        env: { ...process.env, npm_config_nodedir: nodeDir, ...(CROSS[arch] ?? {}) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    built[addon.name] = file;
  }
  return built;
}
