import { execFile } from 'node:child_process';

/** What an upgrade needs of the service manager. */
export interface ServiceManager {
  /** Restarts the service (starts it when stopped). */
  restart(): Promise<void>;
  /**
   * Whether the service is up and has reported healthy: for systemd, `active`, which a
   * `Type=notify` unit reaches only once the process has sent `READY=1`.
   */
  isActive(): Promise<boolean>;
}

/** systemd through `systemctl` (or a command that answers like it: `restart UNIT`, `is-active UNIT`). */
export class SystemctlServiceManager implements ServiceManager {
  constructor(
    private readonly unit = 'spinal',
    private readonly systemctl = 'systemctl',
  ) {}

  restart(): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(this.systemctl, ['restart', this.unit], { timeout: 120_000 }, (error, _stdout, stderr) =>
        error
          ? reject(new Error(`${this.systemctl} restart ${this.unit} failed: ${stderr.trim() || error.message}`))
          : resolve(),
      );
    });
  }

  isActive(): Promise<boolean> {
    return new Promise((resolve) => {
      execFile(this.systemctl, ['is-active', this.unit], { timeout: 30_000 }, (error, stdout) =>
        resolve(!error && stdout.trim() === 'active'),
      );
    });
  }
}
