import { execFile } from 'node:child_process';
import createDebug from 'debug';

const log = createDebug('spinal:cli:systemd');

/** Sends `sd_notify` messages (`READY=1`, `WATCHDOG=1`, ...) to the service manager. */
export type NotifySender = (messages: readonly string[]) => void;

/**
 * Node has no Unix datagram sockets, so the messages go through systemd's own `systemd-notify`
 * (the unit has `NotifyAccess=all`, since the sender is a child of the service's process; it waits
 * until systemd has taken each message).
 */
export function systemdNotifySender(command = 'systemd-notify'): NotifySender {
  let warned = false;
  return (messages) => {
    execFile(command, [...messages], { timeout: 5_000 }, (error) => {
      if (!error || warned) return;
      warned = true;
      process.stderr.write(`spinal: warning: ${command} ${messages.join(' ')} failed: ${error.message}\n`);
    });
  };
}

export interface ServiceNotifierOptions {
  env?: NodeJS.ProcessEnv;
  send?: NotifySender;
  pid?: number;
}

/**
 * The service side of systemd's notify protocol for `spinal run`: `READY=1` once the runtime is up,
 * `WATCHDOG=1` at half the unit's `WatchdogSec` from a timer on the main thread (the reflex's own:
 * when that thread hangs the watchdog is not fed and systemd restarts the service), `STOPPING=1` on
 * the way down. Inert when not started by systemd (no `NOTIFY_SOCKET`).
 */
export class ServiceNotifier {
  private readonly send: NotifySender | null;
  private readonly watchdogMs: number | null;
  private timer: NodeJS.Timeout | null = null;

  constructor(o: ServiceNotifierOptions = {}) {
    const env = o.env ?? process.env;
    this.send = env.NOTIFY_SOCKET ? (o.send ?? systemdNotifySender()) : null;
    const usec = Number(env.WATCHDOG_USEC);
    const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === (o.pid ?? process.pid);
    this.watchdogMs = this.send && forUs && Number.isFinite(usec) && usec > 0 ? usec / 1000 : null;
  }

  /** Whether a service manager listens. */
  get active(): boolean {
    return this.send !== null;
  }

  /** The runtime is up: `READY=1` with a status line, and the watchdog starts being fed. */
  ready(status: string): void {
    if (!this.send) return;
    this.send(['--ready', `--status=${status}`]);
    if (this.watchdogMs !== null && !this.timer) {
      log('feeding the watchdog every %d ms', this.watchdogMs / 2);
      this.timer = setInterval(() => this.send?.(['WATCHDOG=1']), this.watchdogMs / 2);
      this.timer.unref();
    }
  }

  /** The runtime is stopping: the watchdog is no longer fed. */
  stopping(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.send?.(['STOPPING=1']);
  }
}
