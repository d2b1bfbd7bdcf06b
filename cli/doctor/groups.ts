import type { DeviceFile } from './device-files.js';
import { describeDeviceFile } from './device-files.js';
import { readHostText, type DoctorHost, type DoctorUser, type FileFacts } from './doctor-host.js';
import { ok, problem, warn, type Finding } from './finding.js';

/** One group from `/etc/group`. */
export interface GroupEntry {
  name: string;
  gid: number;
  /** User names listed as members (supplementary membership). */
  members: string[];
}

/** The group each kind of device file belongs to on Raspberry Pi OS, Debian and Jetson Linux. */
export const EXPECTED_GROUP = { serial: 'dialout', i2c: 'i2c', gpio: 'gpio' } as const;

/** udev rules that give a kind of device file to its group, for files only root can open. */
const UDEV_RULE = {
  serial: 'KERNEL=="ttyTHS*|ttyAMA*|ttyS*|ttyUSB*|ttyACM*", GROUP="dialout", MODE="0660"',
  i2c: 'KERNEL=="i2c-[0-9]*", GROUP="i2c", MODE="0660"',
  gpio: 'SUBSYSTEM=="gpio", KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"',
} as const;

/** Parses `/etc/group` (`name:password:gid:member,member`); malformed lines are skipped. */
export function parseEtcGroup(text: string): GroupEntry[] {
  const groups: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const [name, , gid, members] = line.trim().split(':');
    if (!name || gid === undefined || !/^\d+$/.test(gid)) continue;
    groups.push({ name, gid: Number(gid), members: members ? members.split(',').filter(Boolean) : [] });
  }
  return groups;
}

/** `rw-rw----`. */
export function permissionString(mode: number): string {
  const bits = 'rwxrwxrwx';
  return [...bits].map((letter, i) => ((mode >> (8 - i)) & 1 ? letter : '-')).join('');
}

/** Whether the user may read and write (or only write) the file, as the kernel decides: owner, else group, else others. */
export function mayOpen(facts: FileFacts, user: DoctorUser, access: 'rw' | 'w'): boolean {
  if (user.uid === 0) return true;
  const need = access === 'rw' ? 0b110 : 0b010;
  const shift = facts.uid === user.uid ? 6 : user.gids.includes(facts.gid) ? 3 : 0;
  return ((facts.mode >> shift) & need) === need;
}

/**
 * For every present device file: may this user open it? If not, says which group it needs and how to
 * join it, or that the user joined but has not logged in again since, or that only root may open it.
 */
export async function checkGroups(files: DeviceFile[], host: DoctorHost): Promise<Finding[]> {
  if (files.length === 0) return [];
  if (host.user.uid === 0) {
    return [
      warn(
        'groups',
        'running as root, who may open every device file: this says nothing about the user spinal runs as',
        'run spinal doctor as the user that runs spinal run (for a service, that of its User= line)',
      ),
    ];
  }
  const groups = parseEtcGroup((await readHostText(host, '/etc/group')) ?? '');
  const user = host.user;
  const findings: Finding[] = [];
  for (const file of files) {
    const facts = await host.stat(file.path);
    if (!facts) continue;
    const group = groups.find((g) => g.gid === facts.gid);
    const groupName = group?.name ?? `gid ${facts.gid}`;
    const owned = `${describeDeviceFile(file)}, group ${groupName}, ${permissionString(facts.mode)}`;
    if (mayOpen(facts, user, file.access)) {
      findings.push(ok('groups', `${file.path} opens for user ${user.name} (group ${groupName})`));
      continue;
    }
    const groupGrants =
      ((facts.mode >> 3) & (file.access === 'rw' ? 0b110 : 0b010)) === (file.access === 'rw' ? 0b110 : 0b010);
    if (groupGrants && facts.gid !== 0) {
      if (group?.members.includes(user.name)) {
        findings.push(
          problem(
            'groups',
            `user ${user.name} is in group ${groupName} in /etc/group, but this login session started before that, so ${file.path} does not open yet`,
            'log out and back in (or reboot); a running service needs a restart: sudo systemctl restart <service>',
          ),
        );
      } else {
        findings.push(
          problem(
            'groups',
            `user ${user.name} may not open ${owned}: the user is not in group ${groupName}`,
            `sudo usermod -aG ${groupName} $USER`,
            'then log out and back in (or reboot)',
          ),
        );
      }
      continue;
    }
    const expected = EXPECTED_GROUP[file.kind];
    const fix =
      file.path === '/sys/class/gpio/export'
        ? [
            `give sysfs GPIO to group ${expected} (Raspberry Pi OS and Jetson Linux ship udev rules for it; check /etc/udev/rules.d/), then sudo usermod -aG ${expected} $USER`,
          ]
        : [
            `give it to group ${expected} with a udev rule: echo '${UDEV_RULE[file.kind]}' | sudo tee /etc/udev/rules.d/99-spinal.rules`,
            'sudo udevadm control --reload && sudo udevadm trigger',
            `sudo usermod -aG ${expected} $USER, then log out and back in`,
          ];
    findings.push(problem('groups', `user ${user.name} may not open ${owned}: only its owner may`, ...fix));
  }
  return findings;
}
