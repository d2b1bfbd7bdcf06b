import type { DriveCommand } from '../messages/drive.js';

/**
 * Which drive command is in force: a manual override wins over the planner while it is renewed
 * within the dead-man timeout; otherwise the planner's latest.
 */
export class CommandSelector {
  private planner: DriveCommand | null = null;
  private manual: DriveCommand | null = null;

  constructor(private readonly deadmanTimeoutUs: number) {}

  submit(command: DriveCommand): void {
    if (command.source === 'manual') this.manual = command;
    else this.planner = command;
  }

  active(nowUs: number): DriveCommand | null {
    if (this.manual && nowUs - this.manual.stampUs <= this.deadmanTimeoutUs) return this.manual;
    return this.planner;
  }
}
