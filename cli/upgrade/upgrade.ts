import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, renameSync, statSync } from 'node:fs';
import type { InstallLayout } from './install-layout.js';
import type { ServiceManager } from './service-manager.js';
import { appendUpgradeEvent, type UpgradeEvent } from './upgrade-event.js';

export interface UpgradeOptions {
  /** The new executable. */
  file: string;
  layout: InstallLayout;
  service: ServiceManager;
  /** How long the new binary has to report healthy after its start, ms. */
  timeoutMs: number;
  /** How long it must stay healthy, without a break, to count as healthy, ms. */
  settleMs: number;
  /** Time between health checks, ms. Default 250. */
  pollMs?: number;
  /** Progress for the operator. */
  log: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Copies `from` over `to` through a temporary file and a rename: `to` is never half written. */
function replaceFile(from: string, to: string): void {
  const partial = `${to}.partial`;
  copyFileSync(from, partial);
  chmodSync(partial, 0o755);
  renameSync(partial, to);
}

/** What `FILE --version` prints, or `unknown`. */
function versionOf(file: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 15_000 }, (error, stdout) =>
      resolve(error ? 'unknown' : stdout.trim().replace(/^spinal /, '') || 'unknown'),
    );
  });
}

/** Resolves true once the service has been active for `settleMs` without a break, false at `timeoutMs`. */
async function becomesHealthy(o: UpgradeOptions): Promise<boolean> {
  const deadline = Date.now() + o.timeoutMs;
  let activeSince: number | null = null;
  while (Date.now() < deadline) {
    if (await o.service.isActive()) {
      activeSince ??= Date.now();
      if (Date.now() - activeSince >= o.settleMs) return true;
    } else {
      activeSince = null;
    }
    await sleep(o.pollMs ?? 250);
  }
  return false;
}

/**
 * `spinal upgrade FILE`: keeps the running binary as `spinal.previous`, installs FILE in its place,
 * restarts the service and waits for the new binary to report healthy. One that does not within the
 * timeout (it exits, crashes, never sends READY=1, or falls over during the settle time) is replaced
 * by the previous one and the service restarted again. Either outcome is an event in the upgrade
 * journal.
 */
export async function upgrade(o: UpgradeOptions): Promise<UpgradeEvent> {
  if (!existsSync(o.file) || !statSync(o.file).isFile()) throw new Error(`${o.file}: no such file`);
  const { binary, previous, upgradeEvents } = o.layout;
  const hadBinary = existsSync(binary);
  const fromVersion = hadBinary ? await versionOf(binary) : 'none';
  const toVersion = await versionOf(o.file);
  if (hadBinary) replaceFile(binary, previous);
  replaceFile(o.file, binary);
  o.log(`installed ${toVersion} (previous ${fromVersion} kept as ${previous}); restarting the service`);
  await o.service.restart();
  if (await becomesHealthy(o)) {
    o.log(`the new binary is healthy`);
    return appendUpgradeEvent(upgradeEvents, {
      kind: 'upgrade-installed',
      atIso: new Date().toISOString(),
      fromVersion,
      toVersion,
      reason: '',
    });
  }
  const reason = `not healthy within ${o.timeoutMs / 1000} s of its start`;
  if (!hadBinary) throw new Error(`the new binary is ${reason}, and there is no previous one to roll back to`);
  o.log(`the new binary is ${reason}: rolling back to ${fromVersion}`);
  replaceFile(previous, binary);
  await o.service.restart();
  return appendUpgradeEvent(upgradeEvents, {
    kind: 'upgrade-rolled-back',
    atIso: new Date().toISOString(),
    fromVersion,
    toVersion,
    reason,
  });
}
