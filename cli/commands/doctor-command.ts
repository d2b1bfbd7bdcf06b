import { accessSync, constants, existsSync } from 'node:fs';
import { loadBoard } from '../config-sources.js';
import { EXIT_OK, EXIT_RUNTIME_FAILURE } from '../usage-error.js';

export interface DoctorOptions {
  board: string;
  out: NodeJS.WriteStream;
}

interface Finding {
  ok: boolean;
  what: string;
  fix?: string;
}

/**
 * `spinal doctor`: checks that the board config is valid and that every bus it names is present
 * and usable by this user, in plain words with the fix for each problem. Exit 1 when something
 * would stop `spinal run`.
 */
export async function runDoctorCommand(options: DoctorOptions): Promise<number> {
  const { board, file } = loadBoard(options.board);
  const findings: Finding[] = [{ ok: true, what: `board config ${file} is valid (${board.devices.length} devices)` }];
  for (const bus of board.buses) {
    if (bus.kind === 'gpio') continue;
    const users = board.devices.filter((d) => d.bus === bus.id && d.enabled).map((d) => d.id);
    if (users.length === 0) continue;
    const group = bus.kind === 'serial' ? 'dialout' : 'i2c';
    if (!existsSync(bus.path)) {
      const fix =
        bus.kind === 'serial'
          ? `plug the device in (used by ${users.join(', ')}), or correct buses[].path in ${file}`
          : `enable I2C (raspi-config > Interface Options > I2C, or dtparam=i2c_arm=on in config.txt) and reboot`;
      findings.push({ ok: false, what: `${bus.path} (${bus.kind} bus "${bus.id}") does not exist`, fix });
      continue;
    }
    try {
      accessSync(bus.path, constants.R_OK | constants.W_OK);
      findings.push({ ok: true, what: `${bus.path} is present and readable/writable` });
    } catch {
      findings.push({
        ok: false,
        what: `${bus.path} exists but this user cannot open it`,
        fix: `add the user to the "${group}" group: sudo usermod -aG ${group} $USER, then log in again`,
      });
    }
  }
  for (const finding of findings) {
    options.out.write(`${finding.ok ? 'ok     ' : 'PROBLEM'} ${finding.what}\n`);
    if (finding.fix) options.out.write(`        fix: ${finding.fix}\n`);
  }
  const problems = findings.filter((f) => !f.ok).length;
  options.out.write(problems === 0 ? 'nothing blocks spinal run\n' : `${problems} problem(s) block spinal run\n`);
  return problems === 0 ? EXIT_OK : EXIT_RUNTIME_FAILURE;
}
