import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandAck, RobotFrame, SupervisorFrame } from '../comms/proto/generated/spinal/v1/uplink.generated.js';
import type { RuntimeStatus } from '../messages/runtime-status.js';
import { RawSupervisor } from './harness/raw-supervisor.js';
import { cliEnv, debugPortOf, startCli } from './harness/run-cli.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function configUpdate(commandId: number, version: number, values: Record<string, number | string>): SupervisorFrame {
  const wire = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      { value: typeof value === 'number' ? { $case: 'number' as const, value } : { $case: 'text' as const, value } },
    ]),
  );
  return { frame: { $case: 'configUpdate', value: { commandId, version, values: wire } } };
}

function acksOf(frames: RobotFrame[]): CommandAck[] {
  return frames.flatMap((f) => (f.frame?.$case === 'commandAck' ? [f.frame.value] : []));
}

async function statusOf(address: string): Promise<RuntimeStatus> {
  return (await (await fetch(`http://${address}/api/v1/status`)).json()) as RuntimeStatus;
}

describe('config updates over the uplink, end to end', () => {
  it('GIVEN a simulated robot linked to a supervisor WHEN the supervisor sends config updates THEN a valid one is acknowledged accepted, is in force in the status with its version and becomes a ledger event; a fixed parameter and an out-of-range value are refused with the reason, and the link stays up', async () => {
    const supervisor = new RawSupervisor(() => 0);
    const port = await supervisor.listen();
    cleanups.push(() => supervisor.stop());
    const child = startCli(['sim', '--speed', '1'], {
      // Telemetry once every 10 s until a config update raises the rate.
      env: cliEnv({ SPINAL_UPLINK_TARGET: `127.0.0.1:${port}`, SPINAL_UPLINK_TELEMETRY_HZ: '0.1' }),
    });
    cleanups.push(async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGINT');
      await once(child, 'exit');
    });
    const address = await debugPortOf(child).address;
    await supervisor.until((frames) => frames.some((f) => f.frame?.$case === 'hello'), 30_000);
    const before = await statusOf(address);
    expect(before.config).toMatchObject({ version: 0, tunable: { 'reflex.maxSpeedMps': 0.5 } });

    // WHEN: a valid update, a fixed parameter, a value out of range, then another valid one
    supervisor.send(configUpdate(11, 1, { 'reflex.maxSpeedMps': 0.3, 'cortex.cruiseSpeedMps': 0.25 }));
    supervisor.send(configUpdate(12, 2, { 'debug.listen': '0.0.0.0:9999' }));
    supervisor.send(configUpdate(13, 3, { 'reflex.maxSpeedMps': 50 }));
    const telemetryBefore = supervisor.frames.filter((f) => f.frame?.$case === 'telemetry').length;
    supervisor.send(configUpdate(14, 4, { 'reflex.clearHoldMs': 200, 'uplink.telemetryHz': 20 }));
    await supervisor.until((frames) => acksOf(frames).length >= 4, 20_000);

    // THEN each is answered (a refusal at once, an acceptance once in force), the refusals with their reasons
    const acks = acksOf(supervisor.frames).sort((a, b) => a.commandId - b.commandId);
    expect(acks.map((a) => [a.commandId, a.accepted])).toEqual([
      [11, true],
      [12, false],
      [13, false],
      [14, true],
    ]);
    expect(acks[1]?.reason).toBe(
      'config update 2: debug.listen: fixed while the runtime runs (it takes effect at the next start)',
    );
    expect(acks[2]?.reason).toContain('config update 3: reflex.maxSpeedMps: 50 m/s is out of range');

    // AND the status shows the values in force with the version of the last update that set them
    let status = await statusOf(address);
    for (let i = 0; i < 50 && status.config?.version !== 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await statusOf(address);
    }
    expect(status.config?.version).toBe(4);
    expect(status.config?.tunable).toMatchObject({
      'reflex.maxSpeedMps': 0.3,
      'cortex.cruiseSpeedMps': 0.25,
      'reflex.clearHoldMs': 200,
      'uplink.telemetryHz': 20,
    });

    // AND the two changes reach the supervisor as ledger events, in order
    await supervisor.until(
      (frames) =>
        frames.filter((f) => f.frame?.$case === 'event' && f.frame.value.event?.body?.$case === 'configChange')
          .length >= 2,
      20_000,
    );
    const changes = supervisor.frames.flatMap((f) =>
      f.frame?.$case === 'event' && f.frame.value.event?.body?.$case === 'configChange'
        ? [f.frame.value.event.body.value]
        : [],
    );
    expect(changes.map((c) => c.version)).toEqual([1, 4]);
    expect(changes[0]?.values['reflex.maxSpeedMps']?.value).toEqual({ $case: 'number', value: 0.3 });

    // AND the link stayed up (one connection) with telemetry at the new rate: twenty frames, where the old
    // rate would have taken over three minutes to send them
    const hellos = supervisor.frames.filter((f) => f.frame?.$case === 'hello').length;
    await supervisor.until(
      (frames) => frames.filter((f) => f.frame?.$case === 'telemetry').length >= telemetryBefore + 20,
      20_000,
    );
    expect(supervisor.frames.filter((f) => f.frame?.$case === 'hello').length).toBe(hellos);
    expect(hellos).toBe(1);
  }, 90_000);
});
