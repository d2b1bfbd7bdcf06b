import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { RuntimeEvent } from '../messages/runtime-event.js';
import { EMBEDDED_SCENARIOS } from '../cli/embedded-assets.generated.js';
import { cliEnv, debugPortOf, startCli } from './harness/run-cli.js';

/**
 * The debug port against a hostile web page, in a real browser: Debian's headless Chromium driven
 * through playwright-core. In CI (CI=true) a missing browser fails the test; elsewhere it skips.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
/** A name the browser resolves to 127.0.0.1, as a DNS-rebinding attacker's domain would. */
const REBIND_HOST = 'rebind.example';

/** The default room, but the robot's goal is its start: it never drives by itself, so any motion came from an operator. */
const IDLE_SCENARIO = EMBEDDED_SCENARIOS.default!.replace(
  'goto: { xM: 6, yM: 3, toleranceM: 0.15 }',
  'goto: { xM: 1, yM: 3, toleranceM: 0.15 }',
);

/**
 * The attack page, served from another loopback port: it tries reset, override and e-stop with
 * every fetch mode, `sendBeacon` and form posts, then sets its title to `done`.
 */
function attackPage(robot: string): string {
  return `<!doctype html><html><body><script>
const robot = ${JSON.stringify(robot)};
const paths = ['/api/v1/estop/reset', '/api/v1/override', '/api/v1/estop'];
const body = JSON.stringify({ vMps: 0.3, wRadps: 0, reason: 'from a foreign page' });
async function attack() {
  const tries = [];
  for (const path of paths) {
    for (const mode of ['no-cors', 'cors', 'same-origin']) {
      for (const type of ['text/plain', 'application/json', null]) {
        const headers = type ? { 'content-type': type } : {};
        tries.push(fetch(robot + path, { method: 'POST', mode, headers, body, credentials: 'include' }).catch(() => null));
      }
    }
    navigator.sendBeacon(robot + path, body);
    navigator.sendBeacon(robot + path, new Blob([body], { type: 'application/json' }));
    for (const enctype of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const frame = document.createElement('iframe');
      frame.name = 'f' + Math.random().toString(36).slice(2);
      document.body.append(frame);
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = robot + path;
      form.enctype = enctype;
      form.target = frame.name;
      const field = document.createElement('input');
      field.name = '{"vMps":0.3,"wRadps":0,"x":"';
      field.value = '"}';
      form.append(field);
      document.body.append(form);
      tries.push(new Promise((resolve) => { frame.onload = resolve; setTimeout(resolve, 3000); }));
      form.submit();
    }
  }
  await Promise.all(tries);
  document.title = 'done';
}
attack();
</script></body></html>`;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveChromium && !inCi)('debug port against a foreign web page (headless Chromium)', () => {
  let dir = '';
  let browser: Browser | null = null;
  let attacker: Server | null = null;
  let sim: ReturnType<typeof startCli> | null = null;
  let robot = '';
  let attackerUrl = '';
  let scenarioFile = '';

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI installs Debian's chromium (.ci/run)`);
    dir = mkdtempSync(join(tmpdir(), 'spinal-browser-'));
    scenarioFile = join(dir, 'idle-robot.yaml');
    writeFileSync(scenarioFile, IDLE_SCENARIO);
    sim = startCli(['sim', '--scenario', scenarioFile]);
    const announced = debugPortOf(sim);
    const address = await announced.address;
    expect(IDLE_SCENARIO).toContain('goto: { xM: 1, yM: 3');
    robot = `http://${address}`;
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(attackPage(robot));
    });
    attacker.listen(0, '127.0.0.1');
    await once(attacker, 'listening');
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
        `--host-resolver-rules=MAP ${REBIND_HOST} 127.0.0.1`,
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    attacker?.close();
    if (sim && sim.exitCode === null) {
      sim.kill('SIGINT');
      await once(sim, 'exit');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('GIVEN a latched e-stop WHEN a page from another origin tries reset, override and e-stop every way THEN none reaches the reflex, and the robot own page still works', async () => {
    const context = await browser!.newContext();
    try {
      // The robot's own page latches the e-stop.
      const own = await context.newPage();
      await own.goto(`${robot}/`);
      await own.click('#estop');
      await waitFor('the e-stop answer', async () =>
        /\/api\/v1\/estop -> 200/.test((await own.textContent('#answer')) ?? '') ? true : undefined,
      );
      const events = async (): Promise<RuntimeEvent[]> =>
        (await getJson<{ events: RuntimeEvent[] }>(`${robot}/api/v1/events`)).events;
      const operatorEvents = async (): Promise<RuntimeEvent[]> =>
        (await events()).filter((e) => ['operator-estop', 'operator-reset', 'override'].includes(e.kind));
      expect(await operatorEvents()).toEqual([
        expect.objectContaining({
          kind: 'operator-estop',
          reason: 'e-stop from the web page',
          by: { via: 'debug-port', remoteAddress: '127.0.0.1', origin: robot, authenticated: false },
        }),
      ]);

      // The foreign page attacks from another loopback port.
      const evil = await context.newPage();
      await evil.goto(attackerUrl);
      await evil.waitForFunction('document.title === "done"', undefined, { timeout: 30_000 });

      // Nothing reached the reflex: still latched, standing still, no reset, no override, no second e-stop.
      const status = await getJson<{ reflex: { state: string }; speed: { vMps: number; wRadps: number } }>(
        `${robot}/api/v1/status`,
      );
      expect(status.reflex.state).toBe('estop');
      expect(status.speed).toEqual({ vMps: 0, wRadps: 0 });
      expect(await operatorEvents()).toHaveLength(1);
      // ...and not for want of trying: the port saw the attempts and refused each one.
      const metrics = await (await fetch(`${robot}/metrics`)).text();
      const refused = (route: string): number =>
        [...metrics.matchAll(/^spinal_http_requests_total\{route="([^"]+)",status="(\d+)"\} (\d+)$/gm)]
          .filter((m) => m[1] === route && ['403', '415'].includes(m[2]!))
          .reduce((sum, m) => sum + Number(m[3]), 0);
      for (const route of ['/api/v1/estop/reset', '/api/v1/override', '/api/v1/estop']) {
        expect(refused(route)).toBeGreaterThanOrEqual(5);
      }

      // The robot's own page still resets and drives (hold-to-drive sends overrides while held).
      await own.click('#reset');
      await own.click('#reset-confirm');
      await waitFor('the reset answer', async () =>
        /\/api\/v1\/estop\/reset -> 200/.test((await own.textContent('#answer')) ?? '') ? true : undefined,
      );
      const forward = own.locator('.pad button[data-v="1"][data-w="0"]');
      await forward.hover();
      await own.mouse.down();
      const moving = await waitFor('the robot to move', async () => {
        const now = await getJson<{ speed: { vMps: number } }>(`${robot}/api/v1/status`);
        return now.speed.vMps > 0 ? now.speed.vMps : undefined;
      });
      expect(moving).toBeGreaterThan(0);
      await own.mouse.up();
      const kinds = await waitFor('the override session to end', async () => {
        const list = await operatorEvents();
        return list.some((e) => e.kind === 'override' && e.phase === 'end') ? list : undefined;
      });
      expect(kinds.map((e) => (e.kind === 'override' ? `override-${e.phase}` : e.kind))).toEqual([
        'operator-estop',
        'operator-reset',
        'override-start',
        'override-end',
      ]);
      expect(kinds[1]).toMatchObject({ kind: 'operator-reset', cleared: ['estop-request'], by: { origin: robot } });
    } finally {
      await context.close();
    }
  }, 90_000);

  it('refuses a DNS-rebinding page: a request naming another host is answered 421 and changes nothing', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      const port = new URL(robot).port;
      const response = await page.goto(`http://${REBIND_HOST}:${port}/`);
      expect(response?.status()).toBe(421);
      const answers = await page.evaluate(async () => {
        const out: number[] = [];
        for (const path of ['/api/v1/estop', '/api/v1/estop/reset', '/api/v1/override', '/api/v1/status']) {
          const res = await fetch(path, {
            method: path.endsWith('status') ? 'GET' : 'POST',
            headers: path.endsWith('status') ? {} : { 'content-type': 'application/json' },
            body: path.endsWith('status') ? undefined : JSON.stringify({ vMps: 0.3, wRadps: 0 }),
          });
          out.push(res.status);
        }
        return out;
      });
      expect(answers).toEqual([421, 421, 421, 421]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('bound beyond loopback, the page opens with ?token=, drops it from the address bar and reads with it', async () => {
    const env = cliEnv({
      SPINAL_DEBUG_LISTEN: '0.0.0.0:0',
      SPINAL_DEBUG_TOKEN: 'write-secret',
      SPINAL_DEBUG_READ_TOKEN: 'read-secret',
    });
    const exposed = startCli(['sim', '--scenario', scenarioFile], { env });
    const context = await browser!.newContext();
    try {
      const port = (await debugPortOf(exposed).address).split(':').at(-1);
      const base = `http://127.0.0.1:${port}`;
      const page = await context.newPage();
      expect((await page.goto(`${base}/`))?.status()).toBe(401);
      expect((await page.goto(`${base}/?token=read-secret`))?.status()).toBe(200);
      expect(page.url()).toBe(`${base}/`);
      await waitFor('the page to read the status', async () =>
        (await page.textContent('#link')) === 'connected' ? true : undefined,
      );
      // The read token does not change the robot; the write token typed into the page does.
      await page.click('#estop');
      await waitFor('the refused e-stop', async () =>
        /\/api\/v1\/estop -> 401/.test((await page.textContent('#answer')) ?? '') ? true : undefined,
      );
      await page.fill('#token', 'write-secret');
      await page.click('#estop');
      await waitFor('the e-stop answer', async () =>
        /\/api\/v1\/estop -> 200/.test((await page.textContent('#answer')) ?? '') ? true : undefined,
      );
    } finally {
      await context.close();
      exposed.kill('SIGINT');
      await once(exposed, 'exit');
    }
  }, 60_000);
});
