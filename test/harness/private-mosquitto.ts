import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Where the Mosquitto binaries are looked for. */
export const MOSQUITTO = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

export function mosquittoInstalled(): boolean {
  return existsSync(MOSQUITTO) && existsSync(MOSQUITTO_PASSWD);
}

/** True when something accepts TCP connections on host:port. */
export function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PrivateMosquittoOptions {
  /** Users and passwords; none: anonymous clients allowed. */
  users?: Record<string, string>;
  /** The ACL file's text; none: no ACL. */
  acl?: string;
  port?: number;
  /** PEM files for a TLS listener; with `requireCertificate`, clients need a certificate of `cafile`'s, whose CN is their user name. */
  tls?: { cafile: string; certfile: string; keyfile: string; requireCertificate: boolean };
}

/** A Mosquitto of the test's own on 127.0.0.1, started with a configuration written for it. */
export class PrivateMosquitto {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'spinal-mosquitto-'));
  private readonly confFile = join(this.dir, 'mosquitto.conf');
  stderr = '';

  private constructor(readonly port: number) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get tlsUrl(): string {
    return `mqtts://127.0.0.1:${this.port}`;
  }

  static async start(options: PrivateMosquittoOptions = {}): Promise<PrivateMosquitto> {
    const broker = new PrivateMosquitto(options.port ?? (await freePort()));
    // Started as root, Mosquitto would drop to the user "mosquitto", who cannot read the test's files.
    const lines = [`listener ${broker.port} 127.0.0.1`, 'persistence false', `user ${userInfo().username}`];
    const { tls } = options;
    if (tls) {
      lines.push(`cafile ${tls.cafile}`, `certfile ${tls.certfile}`, `keyfile ${tls.keyfile}`);
      if (tls.requireCertificate) lines.push('require_certificate true', 'use_identity_as_username true');
    }
    const users = Object.entries(options.users ?? {});
    if (users.length > 0) {
      const passwordFile = join(broker.dir, 'passwords');
      users.forEach(([user, password], i) => {
        const result = spawnSync(MOSQUITTO_PASSWD, [...(i === 0 ? ['-c'] : []), '-b', passwordFile, user, password], {
          encoding: 'utf8',
        });
        if (result.status !== 0) throw new Error(`mosquitto_passwd failed: ${result.stderr}`);
      });
      lines.push('allow_anonymous false', `password_file ${passwordFile}`);
    } else if (!tls?.requireCertificate) {
      lines.push('allow_anonymous true');
    }
    if (options.acl !== undefined) {
      const aclFile = join(broker.dir, 'acl');
      writeFileSync(aclFile, options.acl);
      lines.push(`acl_file ${aclFile}`);
    }
    writeFileSync(broker.confFile, `${lines.join('\n')}\n`);
    await broker.run();
    return broker;
  }

  /** Starts (again) on the same port. */
  async run(): Promise<void> {
    const child = spawn(MOSQUITTO, ['-c', this.confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited ${child.exitCode}: ${this.stderr}`);
      if (await listening('127.0.0.1', this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`mosquitto did not listen on ${this.port}: ${this.stderr}`);
  }

  /** Stops the process (it stays configured: {@link run} starts it again). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
