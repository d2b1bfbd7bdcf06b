import { parseArgs } from 'node:util';
import { installLayout } from '../upgrade/install-layout.js';
import { SystemctlServiceManager } from '../upgrade/service-manager.js';
import { upgrade } from '../upgrade/upgrade.js';
import { EXIT_OK, EXIT_RUNTIME_FAILURE, UsageError } from '../usage-error.js';

/**
 * `spinal upgrade FILE [--root DIR] [--unit NAME] [--systemctl CMD] [--timeout S] [--settle S]`:
 * installs FILE as the service's binary and rolls it back when it does not come up healthy.
 * Exit 0 when upgraded, 1 when rolled back or failed.
 */
export async function runUpgradeCommand(args: string[], out: { write(text: string): unknown }): Promise<number> {
  const { values, positionals } = (() => {
    try {
      return parseArgs({
        args,
        strict: true,
        allowPositionals: true,
        options: {
          root: { type: 'string', default: '/' },
          unit: { type: 'string', default: 'spinal' },
          systemctl: { type: 'string', default: 'systemctl' },
          timeout: { type: 'string', default: '60' },
          settle: { type: 'string', default: '10' },
        },
      });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  })();
  if (positionals.length !== 1) throw new UsageError('upgrade needs exactly one FILE (the new spinal binary)');
  const seconds = (name: string, value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new UsageError(`--${name} must be a number of seconds >= 0, got "${value}"`);
    return n * 1000;
  };
  const event = await upgrade({
    file: positionals[0]!,
    layout: installLayout(values.root),
    service: new SystemctlServiceManager(values.unit, values.systemctl),
    timeoutMs: seconds('timeout', values.timeout),
    settleMs: seconds('settle', values.settle),
    log: (line) => out.write(`spinal upgrade: ${line}\n`),
  });
  out.write(`spinal upgrade: event ${event.seq}: ${event.kind} ${event.fromVersion} -> ${event.toVersion}\n`);
  return event.kind === 'upgrade-installed' ? EXIT_OK : EXIT_RUNTIME_FAILURE;
}
