import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RuntimeEvent } from '../messages/runtime-event.js';
import { cliEnv, debugPortOf, ROOT, startCli } from './harness/run-cli.js';

/**
 * The debug port's own page in a real browser (Debian's headless Chromium through playwright-core)
 * against a running simulation of the default room: the map shows the robot moving along its path
 * with the scan drawn, the e-stop stops the simulated robot (the simulator's report says so), reset
 * asks first, hold-to-drive drives and releasing the key stops the robot within the dead-man
 * timeout. Screenshots at desktop and phone size go to `test-artifacts/browser/`. In CI (CI=true) a
 * missing browser fails the test; elsewhere it skips.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'browser');

interface Status {
  clockS: number;
  pose: { xM: number; yM: number; yawRad: number };
  speed: { vMps: number; wRadps: number };
  reflex: { state: string };
  mission: { id?: string | null; state: string };
  site?: { deadmanTimeoutMs: number };
}

interface Report {
  robots: Array<{
    goalReached: boolean;
    distanceM: number;
    collisions: number;
    missionState: string;
    reflexTrips: Array<{ reason: string; simTimeS: number }>;
  }>;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The status's swept area (messages/runtime-status.ts `SweptAreaStatus`), as far as the test reads it. */
interface SweptArea {
  stampUs: number;
  polygons: Array<Array<{ xM: number; yM: number }>>;
}

/** What the page says it drew last (`window.spinalView.drawn`). */
interface Drawn {
  mapVersion: number | null;
  scanPoints: number;
  scanStampUs?: number;
  pathPoints: number;
  swept: boolean;
  sweptPolygons?: number;
  sweptStampUs?: number;
  footprint: boolean;
  pose: { xM: number; yM: number } | null;
}

const drawnOf = (page: Page): Promise<Drawn | null> => page.evaluate<Drawn | null>('window.spinalView.drawn');

describe.skipIf(!haveChromium && !inCi)('the debug port page against a running simulation (headless Chromium)', () => {
  let dir = '';
  let browser: Browser | null = null;
  let sim: ReturnType<typeof startCli> | null = null;
  let robot = '';
  let reportFile = '';

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI installs Debian's chromium (.ci/run)`);
    dir = mkdtempSync(join(tmpdir(), 'spinal-page-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    reportFile = join(dir, 'report.json');
    sim = startCli(
      ['sim', '--scenario', join(ROOT, 'simulator', 'scenarios', 'default.yaml'), '--report', reportFile],
      {
        env: cliEnv(),
      },
    );
    robot = `http://${await debugPortOf(sim).address}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (sim && sim.exitCode === null) {
      sim.kill('SIGINT');
      await once(sim, 'exit');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('GIVEN the robot on its way WHEN the page is used THEN it shows it moving, e-stops it, resets, drives it by hand and stops it on release', async () => {
    const status = async (): Promise<Status> => (await fetch(`${robot}/api/v1/status`)).json() as Promise<Status>;
    const events = async (): Promise<RuntimeEvent[]> =>
      ((await (await fetch(`${robot}/api/v1/events`)).json()) as { events: RuntimeEvent[] }).events;
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${robot}/`);
      await waitFor('the page to connect', async () =>
        (await page.textContent('#link')) === 'connected' ? true : undefined,
      );

      // The map: the robot moves along its path with the scan drawn; the canvas changes with it.
      const first = await waitFor('a drawing with map, path, scan and robot', async () => {
        const d = await drawnOf(page);
        return d && d.mapVersion !== null && d.pathPoints > 0 && d.scanPoints > 50 && d.pose && d.swept ? d : undefined;
      });
      // The swept area drawn is the one the reflex reports in the status, labelled as such.
      await waitFor('the swept area of the status drawn', async () => {
        const v = await page.evaluate<{ drawn: Drawn; status: { sweptArea: SweptArea | null } }>(
          '({ drawn: window.spinalView.drawn, status: window.spinalView.status })',
        );
        const area = v.status.sweptArea;
        return area &&
          area.polygons.length > 0 &&
          v.drawn.sweptStampUs === area.stampUs &&
          v.drawn.sweptPolygons === area.polygons.length
          ? true
          : undefined;
      });
      expect(await page.textContent('#swept-note')).toMatch(/swept area checked by the reflex: .* m\/s/);
      await page.locator('#map').screenshot({ path: join(ARTIFACTS, 'map-driving.png') });
      const pixelsBefore = await page.evaluate<string>("document.getElementById('map').toDataURL()");
      const later = await waitFor('the robot to move on the map', async () => {
        const d = await drawnOf(page);
        return d?.pose && d.pose.xM > first.pose!.xM + 0.2 && d.scanStampUs !== first.scanStampUs ? d : undefined;
      });
      expect(later.pose!.yM).toBeCloseTo(3, 0);
      const pixelsAfter = await page.evaluate<string>("document.getElementById('map').toDataURL()");
      expect(pixelsAfter).not.toBe(pixelsBefore);
      // The map came whole once, then as deltas.
      await waitFor('map deltas', async () =>
        (await page.evaluate<number>('window.spinalView.mapDeltas')) > 0 ? true : undefined,
      );
      expect(await page.evaluate<number>('window.spinalView.mapFull')).toBe(1);

      // E-stop: latched, by whom, and the robot stands.
      await page.click('#estop');
      await waitFor('the page to show the latch', async () =>
        /E-STOP LATCHED: asked by 127\.0\.0\.1/.test((await page.textContent('#estop-state')) ?? '') ? true : undefined,
      );
      const stopped = await waitFor('the robot to stand', async () => {
        const s = await status();
        return s.reflex.state === 'estop' && s.speed.vMps === 0 ? s : undefined;
      });
      const estopTrip = (await events()).find((e) => e.kind === 'reflex-trip' && e.rule === 'estop-request');
      expect(estopTrip).toBeDefined();
      expect(estopTrip!.atUs / 1e6).toBeLessThanOrEqual(stopped.clockS);
      await waitFor('a second of sim time', async () =>
        (await status()).clockS > stopped.clockS + 1 ? true : undefined,
      );
      const stillStopped = await status();
      expect(Math.abs(stillStopped.pose.xM - stopped.pose.xM)).toBeLessThan(0.02);
      await page.screenshot({ path: join(ARTIFACTS, 'desktop-1280x800.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(ARTIFACTS, 'phone-390x844.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });

      // The mission is cancelled (from outside the page), so that whatever moves the robot next is the operator.
      const missionId = stillStopped.mission.id!;
      expect(
        (
          await fetch(`${robot}/api/v1/missions/${missionId}`, {
            method: 'DELETE',
            headers: { 'content-type': 'application/json' },
          })
        ).status,
      ).toBe(200);

      // Reset asks first, says what it clears and that the mission resumes.
      await page.click('#reset');
      const question = (await page.textContent('#reset-what')) ?? '';
      expect(question).toMatch(/clears the latched e-stop/);
      expect(question).toMatch(/resumes/);
      expect((await status()).reflex.state).toBe('estop');
      await page.click('#reset-confirm');
      await waitFor('the reset answer', async () =>
        /\/api\/v1\/estop\/reset -> 200/.test((await page.textContent('#answer')) ?? '') ? true : undefined,
      );
      await waitFor('the latch to go', async () => ((await status()).reflex.state !== 'estop' ? true : undefined));

      // Hold-to-drive with the keyboard: moves while held, the override shows, stops on release.
      await page.locator('#map').click();
      await page.keyboard.down('ArrowUp');
      const moving = await waitFor('the robot to move under the key', async () => {
        const s = await status();
        return s.speed.vMps > 0 ? s : undefined;
      });
      expect(await page.textContent('#override-state')).toMatch(/MANUAL OVERRIDE ACTIVE/);
      await page.keyboard.up('ArrowUp');
      const releasedAt = (await status()).clockS;
      const standing = await waitFor('the robot to stop after the release', async () => {
        const s = await status();
        return s.speed.vMps === 0 ? s : undefined;
      });
      expect(standing.clockS - releasedAt).toBeLessThanOrEqual(moving.site!.deadmanTimeoutMs / 1000);
      const overrides = await waitFor('the override session to end', async () => {
        const list = (await events()).filter((e) => e.kind === 'override');
        return list.some((e) => e.kind === 'override' && e.phase === 'end') ? list : undefined;
      });
      expect(overrides.map((e) => (e.kind === 'override' ? e.phase : ''))).toEqual(['start', 'end']);
      // The page losing focus while the key is still down stops the robot too.
      await page.keyboard.down('ArrowUp');
      await waitFor('the robot to move again', async () => ((await status()).speed.vMps > 0 ? true : undefined));
      await page.evaluate("window.dispatchEvent(new Event('blur'))");
      const blurredAt = (await status()).clockS;
      const standingAgain = await waitFor('the robot to stop after the blur', async () => {
        const s = await status();
        return s.speed.vMps === 0 ? s : undefined;
      });
      expect(standingAgain.clockS - blurredAt).toBeLessThanOrEqual(moving.site!.deadmanTimeoutMs / 1000);
      await page.keyboard.up('ArrowUp');
      const drivenM = Math.abs(standingAgain.pose.xM - stillStopped.pose.xM);
      expect(drivenM).toBeGreaterThan(0);
      expect(errors).toEqual([]);

      // The simulator's report: the e-stop trip, no goal, no collision, and the distance the robot truly
      // travelled leaves no room for motion while it was stopped.
      sim!.kill('SIGINT');
      await once(sim!, 'exit');
      // The link is gone: the page says so and greys every value out with its age.
      await waitFor('the page to notice the lost link', async () =>
        (await page.evaluate<boolean>("document.body.classList.contains('offline')")) ? true : undefined,
      );
      expect(await page.textContent('#link')).toMatch(/greyed out/);
      expect(await page.textContent('#age-status')).toMatch(/s old/);
      await page.screenshot({ path: join(ARTIFACTS, 'desktop-offline-1280x800.png') });
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
      const r = report.robots[0]!;
      const tripAtS = estopTrip!.atUs / 1e6;
      expect(r.reflexTrips.filter((t) => /estop-request/.test(t.reason)).map((t) => t.simTimeS)).toContainEqual(
        expect.closeTo(tripAtS, 2),
      );
      expect(r.goalReached).toBe(false);
      expect(r.collisions).toBe(0);
      expect(r.distanceM).toBeLessThan(stopped.pose.xM - 1 + drivenM + 0.2);
    } finally {
      await context.close();
    }
  }, 60_000);
});
