import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, posix } from 'node:path';
import { GpiodCliBackend, type GpiodChip } from '../../hal/transport/gpio/gpiod-cli-backend.js';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import { createI2cProber, type I2cProber } from './i2c-prober.js';

/** The user the checks are about: the one running `spinal doctor`. */
export interface DoctorUser {
  uid: number;
  /** Login name, to find the user in `/etc/group`. */
  name: string;
  /** Group ids of this login session (primary and supplementary), as `id -G` prints them. */
  gids: number[];
}

/** Owner, group and permission bits of a device file. */
export interface FileFacts {
  uid: number;
  gid: number;
  /** `st_mode`; the checks use the permission bits (`mode & 0o777`). */
  mode: number;
}

/**
 * Everything the checks learn about the machine. On a robot it is the real one
 * ({@link localDoctorHost}); tests give a temporary directory laid out like `/` and fake process facts.
 */
export interface DoctorHost {
  /** Where `/` is: `/` on a robot; every absolute path the checks read (`/dev`, `/sys`, `/proc`, `/etc`) is taken under it. */
  root: string;
  user: DoctorUser;
  /** Facts about the file at an absolute path (symlinks followed), or undefined when it does not exist. */
  stat(path: string): Promise<FileFacts | undefined>;
  /** Scans an I2C bus for answering addresses. */
  probeI2c: I2cProber;
  /** The GPIO chips the character device offers, with their labels (`gpiodetect`); rejects when it cannot tell. */
  listGpioChips(): Promise<GpiodChip[]>;
}

/** The running machine, as the user running spinal sees it. */
export function localDoctorHost(): DoctorHost {
  const root = '/';
  const gids = new Set<number>([...(process.getgroups?.() ?? []), process.getgid?.() ?? 0]);
  return {
    root,
    user: { uid: process.getuid?.() ?? 0, name: userInfo().username, gids: [...gids].sort((a, b) => a - b) },
    stat: async (path) => statFacts(join(root, path)),
    probeI2c: createI2cProber(),
    listGpioChips: () => new GpiodCliBackend({ clock: new MonotonicClock() }).listChips(),
  };
}

/** Facts about a real file, or undefined when it does not exist. */
export async function statFacts(file: string): Promise<FileFacts | undefined> {
  try {
    const facts = await stat(file);
    return { uid: facts.uid, gid: facts.gid, mode: facts.mode };
  } catch {
    return undefined;
  }
}

/** The host's file at an absolute path. */
export function hostPath(host: DoctorHost, path: string): string {
  return join(host.root, path);
}

/** A text file under the host root, or undefined when it cannot be read. */
export async function readHostText(host: DoctorHost, path: string): Promise<string | undefined> {
  try {
    return await readFile(hostPath(host, path), 'utf8');
  } catch {
    return undefined;
  }
}

/** Entries of a directory under the host root, or undefined when it does not exist. */
export async function listHostDir(host: DoctorHost, path: string): Promise<string[] | undefined> {
  try {
    return (await readdir(hostPath(host, path))).sort();
  } catch {
    return undefined;
  }
}

/**
 * The path a device path finally names after following symlinks, staying inside the host root
 * (`/dev/serial0` -> `/dev/ttyAMA0`, `/dev/serial/by-id/usb-...` -> `/dev/ttyUSB0`). A path that is
 * not a link, or that does not exist, is returned as it is.
 */
export async function resolveHostLink(host: DoctorHost, path: string): Promise<string> {
  let current = posix.normalize(path);
  for (let hop = 0; hop < 8; hop += 1) {
    let target: string;
    try {
      target = await readlink(hostPath(host, current));
    } catch {
      return current;
    }
    current = posix.isAbsolute(target) ? posix.normalize(target) : posix.join(posix.dirname(current), target);
  }
  return current;
}

/** The board's model from the device tree (`Raspberry Pi 5 Model B Rev 1.0`), or undefined. */
export async function readBoardModel(host: DoctorHost): Promise<string | undefined> {
  const text = await readHostText(host, '/proc/device-tree/model');
  const model = text?.replace(/\0/g, '').trim();
  return model ? model : undefined;
}
