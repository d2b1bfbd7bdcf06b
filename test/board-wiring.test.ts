import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseBoardText } from '../config/board-loader.js';
import { ConfigError } from '../config/config-error.js';
import { createBuiltinRegistry } from '../hal/builtin-models.js';
import { resolveDevices } from '../hal/device-binding.js';
import type { PinDeclaration } from '../hal/device-wiring.js';
import { ROOT, runCli } from './harness/run-cli.js';

/**
 * GIVEN a shipped board with one pin or address its device's model declares as needed taken away,
 * WHEN it is run, simulated or checked, THEN all three commands refuse it alike: exit 2, the field
 * named, no stack trace. The broken boards are made from the shipped ones and the models'
 * declarations, so a new board or model joins the class by itself.
 */

interface DeviceNode {
  id: string;
  compatible: string;
  address?: number;
  pins?: Record<string, number>;
  enabled?: boolean;
}

/** One broken board: which shipped board, which field was taken away. */
interface BrokenBoard {
  board: string;
  /** Index of the device in `devices`. */
  index: number;
  compatible: string;
  /** `address`, or `pins.<name>`. */
  field: string;
  text: string;
}

/** The fields the model says this node cannot do without, given what else the node wires. */
function neededFields(pins: PinDeclaration, node: DeviceNode, addressRequired: boolean): string[] {
  const given = node.pins ?? {};
  const needed = addressRequired ? ['address'] : [];
  if (pins.kind === 'named') {
    needed.push(...pins.required.map((pin) => `pins.${pin}`));
    for (const set of pins.sets) {
      if (set.pins.some((pin) => given[pin] !== undefined)) needed.push(...set.pins.map((pin) => `pins.${pin}`));
    }
  } else if (pins.kind === 'paired') {
    needed.push(...Object.keys(given).map((pin) => `pins.${pin}`));
  }
  return needed;
}

function brokenBoards(): BrokenBoard[] {
  const registry = createBuiltinRegistry();
  const out: BrokenBoard[] = [];
  for (const board of readdirSync(join(ROOT, 'board-configs')).filter((f) => f.endsWith('.yaml'))) {
    const document = parse(readFileSync(join(ROOT, 'board-configs', board), 'utf8')) as { devices: DeviceNode[] };
    document.devices.forEach((node, index) => {
      if (node.enabled === false) return;
      const model = registry.get(node.compatible);
      if (!model) throw new Error(`${board}: no model "${node.compatible}"`);
      for (const field of neededFields(model.pins, node, model.address === 'required')) {
        const broken = structuredClone(document);
        const target = broken.devices[index]!;
        if (field === 'address') delete target.address;
        else delete target.pins![field.slice('pins.'.length)];
        out.push({ board, index, compatible: node.compatible, field, text: stringify(broken) });
      }
    });
  }
  return out;
}

const cases = brokenBoards();
/** One case per device for the commands (each command is a process); every case in process. */
const firstPerDevice = cases.filter(
  (c, i) => cases.findIndex((other) => other.board === c.board && other.index === c.index) === i,
);

const dir = mkdtempSync(join(tmpdir(), 'spinal-board-wiring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a board missing a pin or address its model declares', () => {
  it('the class spans several models, pins and addresses', () => {
    const compatibles = new Set(firstPerDevice.map((c) => c.compatible));
    expect(compatibles.size).toBeGreaterThanOrEqual(5);
    expect(cases.some((c) => c.field === 'address')).toBe(true);
    expect(cases.some((c) => c.field === 'pins.in')).toBe(true);
    expect(cases.filter((c) => c.field.startsWith('pins.')).length).toBeGreaterThan(cases.length / 2);
  });

  it.each(cases.map((c) => [`${c.board} devices[${c.index}] (${c.compatible}) without ${c.field}`, c] as const))(
    '%s: the device check names the field',
    (_name, broken) => {
      const file = `broken/${broken.board}`;
      let error: unknown;
      try {
        resolveDevices(parseBoardText(broken.text, file), file, createBuiltinRegistry());
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ file, path: `devices[${broken.index}].${broken.field}` });
    },
  );

  it.each(
    firstPerDevice.map((c) => [`${c.board} devices[${c.index}] (${c.compatible}) without ${c.field}`, c] as const),
  )('%s: run, sim and doctor all exit 2 naming the field, with no stack trace', async (_name, broken) => {
    const file = join(dir, `${broken.index}-${broken.board}`);
    writeFileSync(file, broken.text);
    const commands = [
      ['run', '--board', file],
      ['sim', '--headless', '--duration', '1', '--board', file],
      ['doctor', '--board', file],
    ];
    const results = await Promise.all(commands.map((args) => runCli(args, { timeoutMs: 30_000 })));
    results.forEach((result, i) => {
      const output = result.stdout + result.stderr;
      const command = commands[i]![0];
      expect({ command, code: result.code }).toEqual({ command, code: 2 });
      expect(output).toContain(`${file}: devices[${broken.index}].${broken.field}: `);
      expect(output).not.toMatch(/^\s+at /m);
    });
  });
});

describe('a board whose H-bridge pins do not fit its PWM mode', () => {
  const file = 'board-configs/jetson-orin-nano-ld19-l298n.yaml';
  const shipped = readFileSync(join(ROOT, file), 'utf8');
  const motorsIndex = (parse(shipped) as { devices: DeviceNode[] }).devices.findIndex((d) => d.id === 'motors');

  function problemPath(
    edit: (motors: { pins: Record<string, number>; params: { pwm: Record<string, unknown> } }) => void,
  ): string {
    const document = parse(shipped) as {
      devices: Array<{ pins: Record<string, number>; params: { pwm: Record<string, unknown> } }>;
    };
    edit(document.devices[motorsIndex]!);
    try {
      resolveDevices(parseBoardText(stringify(document), file), file, createBuiltinRegistry());
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).path;
    }
    return '(accepted)';
  }

  it('hardware PWM needs a channel for each wired bridge and none for an unwired one', () => {
    expect(problemPath(() => undefined)).toBe('(accepted)');
    expect(problemPath((motors) => delete (motors.params.pwm.channels as Record<string, unknown>)['A'])).toBe(
      `devices[${motorsIndex}].params.pwm.channels.A`,
    );
    expect(
      problemPath((motors) => {
        delete motors.pins['in3'];
        delete motors.pins['in4'];
      }),
    ).toBe(`devices[${motorsIndex}].params.pwm.channels.B`);
  });

  it('software PWM needs each wired bridge PWM pin', () => {
    const software = (motors: { params: { pwm: Record<string, unknown> } }): void => {
      motors.params.pwm = { mode: 'software' };
    };
    expect(problemPath(software)).toBe(`devices[${motorsIndex}].pins.ena`);
    expect(
      problemPath((motors) => {
        software(motors);
        Object.assign(motors.pins, { ena: 12, enb: 13 });
      }),
    ).toBe('(accepted)');
  });
});
