/**
 * How this machine runs an executable built for a target: directly when the architecture is its
 * own, under `qemu-aarch64-static` (Debian's qemu-user-static, with the arm64 libraries of
 * g++-aarch64-linux-gnu) otherwise.
 *
 * @param {'x64' | 'arm64'} arch
 * @param {string} file The executable.
 * @returns {[string, string[]]} Command and leading arguments.
 */
export function targetCommand(arch, file) {
  if (arch === process.arch) return [file, []];
  if (arch === 'arm64') return ['qemu-aarch64-static', ['-L', '/usr/aarch64-linux-gnu', file]];
  throw new Error(`cannot run a linux-${arch} executable on ${process.arch}`);
}
