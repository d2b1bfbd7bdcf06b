import { posix } from 'node:path';
import type { BusInUse } from './board-usage.js';
import { deviceIds } from './board-usage.js';
import { listHostDir, readHostText, resolveHostLink, type DoctorHost } from './doctor-host.js';
import { ok, problem, type Finding } from './finding.js';
import { parseEtcGroup } from './groups.js';

/** Where systemd keeps the login prompts it starts at boot (`systemctl enable serial-getty@ttyS0`). */
export const GETTY_WANTS_DIR = '/etc/systemd/system/getty.target.wants';

/** The `console=` devices of a kernel command line (`console=serial0,115200 console=tty1` -> serial0, tty1). */
export function kernelConsoles(cmdline: string): string[] {
  const consoles: string[] = [];
  for (const word of cmdline.split(/\s+/)) {
    const match = /^console=([^,\s]+)/.exec(word);
    if (match?.[1]) consoles.push(match[1]);
  }
  return consoles;
}

/** The tty of an enabled `serial-getty@<tty>.service` link, or undefined for other units. */
export function gettyTty(unitFile: string): string | undefined {
  return /^serial-getty@(.+)\.service$/.exec(unitFile)?.[1];
}

/** A tty name as the kernel knows it: `serial0` -> `ttyAMA0` when /dev/serial0 links there. */
async function kernelTtyName(host: DoctorHost, name: string): Promise<string> {
  return posix.basename(await resolveHostLink(host, `/dev/${name}`));
}

function consoleFix(tty: string, boardModel: string | undefined): string[] {
  if (boardModel?.includes('Raspberry Pi') || /^(ttyAMA|ttyS)\d+$/.test(tty)) {
    return [
      'sudo raspi-config -> Interface Options -> Serial Port -> login shell over serial: No, serial port hardware: Yes',
      'then reboot (this takes console=serial0,115200 out of /boot/firmware/cmdline.txt)',
    ];
  }
  if (/^(ttyTHS|ttyTCU)\d+$/.test(tty)) {
    return [`remove console=${tty}... from the APPEND line of /boot/extlinux/extlinux.conf, then reboot`];
  }
  return [`remove console=${tty}... from the kernel command line of the boot loader, then reboot`];
}

/**
 * For every serial bus in use: is the kernel console (`console=` in /proc/cmdline) or a login prompt
 * (an enabled `serial-getty@<tty>.service`, or the file handed to group `tty`) on the same UART? Either
 * writes into the device's data stream and answers what the device sends.
 */
export async function checkSerialConsole(
  uses: BusInUse[],
  host: DoctorHost,
  boardModel: string | undefined,
): Promise<Finding[]> {
  const serialUses = uses.filter((use) => use.bus.kind === 'serial');
  if (serialUses.length === 0) return [];
  const cmdline = (await readHostText(host, '/proc/cmdline')) ?? '';
  const consoles = await Promise.all(
    kernelConsoles(cmdline).map(async (name) => ({ name, tty: await kernelTtyName(host, name) })),
  );
  const gettys = await Promise.all(
    ((await listHostDir(host, GETTY_WANTS_DIR)) ?? [])
      .map((unit) => ({ unit, name: gettyTty(unit) }))
      .filter((entry): entry is { unit: string; name: string } => entry.name !== undefined)
      .map(async (entry) => ({ ...entry, tty: await kernelTtyName(host, entry.name) })),
  );
  const ttyGroup = parseEtcGroup((await readHostText(host, '/etc/group')) ?? '').find((g) => g.name === 'tty');
  const findings: Finding[] = [];
  for (const use of serialUses) {
    if (use.bus.kind !== 'serial') continue;
    const path = use.bus.path;
    const tty = posix.basename(await resolveHostLink(host, path));
    const who = `${path}${posix.basename(path) === tty ? '' : ` (${tty})`}, used by ${deviceIds(use)}`;
    let found = false;
    for (const console of consoles.filter((c) => c.tty === tty)) {
      found = true;
      findings.push(
        problem(
          'serial-console',
          `the kernel console is on ${who}: /proc/cmdline has console=${console.name}, so boot messages and a login prompt share the UART with the device`,
          ...consoleFix(tty, boardModel),
        ),
      );
    }
    for (const getty of gettys.filter((g) => g.tty === tty)) {
      found = true;
      findings.push(
        problem(
          'serial-console',
          `a login prompt is enabled on ${who} (${GETTY_WANTS_DIR}/${getty.unit})`,
          `sudo systemctl disable --now serial-getty@${getty.name}.service`,
        ),
      );
    }
    const facts = found ? undefined : await host.stat(path);
    // A missing file is reported by the device-file check; saying it has no console would contradict it.
    if (!found && !facts) continue;
    if (facts && ttyGroup && facts.gid === ttyGroup.gid) {
      found = true;
      findings.push(
        problem(
          'serial-console',
          `${who} belongs to group tty, which means a login prompt or console holds it right now`,
          `find it with: systemctl list-units 'serial-getty@*' 'nvgetty*', then sudo systemctl disable --now <unit>`,
          ...consoleFix(tty, boardModel),
        ),
      );
    }
    if (!found) findings.push(ok('serial-console', `no console or login prompt on ${who}`));
  }
  return findings;
}
