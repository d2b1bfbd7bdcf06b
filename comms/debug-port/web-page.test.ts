import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../time/virtual-clock.js';
import { startDebugServer } from './http-server.js';
import type { DebugServer } from './http-server.js';
import { StatusStore } from './status-store.js';
import { OVERRIDE_PERIOD_MS, STATUS_POLL_MS, WEB_PAGE_CSP, WEB_PAGE_HTML, webPageRoutes } from './web-page.js';

function inlineScript(): string {
  const match = /<script>([\s\S]*)<\/script>/.exec(WEB_PAGE_HTML);
  expect(match).not.toBeNull();
  return match![1]!;
}

describe('the web page', () => {
  it('loads nothing from elsewhere', () => {
    expect(WEB_PAGE_HTML).not.toMatch(/\b(src|href)\s*=/i);
    expect(WEB_PAGE_HTML).not.toMatch(/https?:\/\//);
    expect(WEB_PAGE_HTML).not.toMatch(/@import|url\(/);
    expect(WEB_PAGE_HTML.match(/<script/g)).toHaveLength(1);
  });

  it('has a script that parses and only names elements the page has', () => {
    const script = inlineScript();
    expect(() => new Script(script)).not.toThrow();
    const ids = [...script.matchAll(/(?:\$|setText)\('([^']+)'/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(20);
    for (const id of new Set(ids)) expect(WEB_PAGE_HTML).toContain(`id="${id}"`);
  });

  it('polls the status every 500 ms and renews a held drive command every 200 ms', () => {
    const script = inlineScript();
    expect(STATUS_POLL_MS).toBe(500);
    expect(OVERRIDE_PERIOD_MS).toBe(200);
    expect(script).toContain('const STATUS_POLL_MS = 500;');
    expect(script).toContain('const OVERRIDE_PERIOD_MS = 200;');
    for (const path of ['/api/v1/status', '/api/v1/scan', '/api/v1/events?since=', '/api/v1/logs'])
      expect(script).toContain(`'${path}'`);
    // The map is followed by its version: deltas, never the whole map at every poll.
    expect(script).toContain("'/api/v1/map' + since");
    expect(script).toContain("'?since=' + grid.meta.version");
    for (const path of ['/api/v1/estop', '/api/v1/estop/reset', '/api/v1/override'])
      expect(script).toContain(`'${path}'`);
    expect(script).toContain('sessionStorage');
    expect(script).toContain("'Bearer '");
    expect(script).not.toContain('innerHTML');
  });

  it('stops a held drive on release, blur and hiding, and asks before a reset', () => {
    const script = inlineScript();
    for (const stopOn of ["'pointerup', stop", "'keyup'", "'blur', stop", "'visibilitychange'", "'pagehide', stop"])
      expect(script).toContain(stopOn);
    expect(script).toContain("$('reset-dialog').showModal()");
    expect(script).toMatch(/\$\('reset-confirm'\)[^\n]*post\('\/api\/v1\/estop\/reset'\)/);
    expect(script).not.toMatch(/\$\('reset'\)[^\n]*post\(/);
    expect(WEB_PAGE_HTML).toContain('resume');
  });

  it('is served as HTML with a strict content-security-policy', async () => {
    const server: DebugServer = await startDebugServer({
      listen: '127.0.0.1:0',
      store: new StatusStore(new VirtualClock()),
      extraRoutes: webPageRoutes(),
    });
    try {
      const res = await fetch(`http://${server.address}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(WEB_PAGE_CSP);
      expect(await res.text()).toBe(WEB_PAGE_HTML);
    } finally {
      await server.close();
    }
    expect(WEB_PAGE_CSP).toContain("default-src 'none'");
    expect(WEB_PAGE_CSP).toContain("connect-src 'self'");
    expect(WEB_PAGE_CSP).not.toMatch(/\*|https?:|data:/);
  });
});
