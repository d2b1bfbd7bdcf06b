import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshRobots, ownState, until } from '../../test/harness/mesh-robots.js';
import { mosquittoInstalled, PrivateMosquitto } from '../../test/harness/private-mosquitto.js';
import { opensslInstalled, testAuthority } from '../../test/harness/test-certificates.js';

const installed = mosquittoInstalled() && opensslInstalled();
if (process.env.CI === 'true' && !installed) throw new Error('CI=true but mosquitto or openssl is not installed');

const FLEET = 'tls-fleet';

describe.skipIf(!installed)('the mesh over TLS with client certificates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-mesh-tls-'));
  let broker: PrivateMosquitto;
  let ca: string;
  let robotCerts: Record<string, { cert: string; key: string }>;
  beforeAll(async () => {
    const authority = testAuthority(dir);
    ca = authority.ca;
    const server = authority.issue('server', '127.0.0.1', 'IP:127.0.0.1');
    robotCerts = { 'robot-1': authority.issue('robot-1', 'robot-1'), 'robot-2': authority.issue('robot-2', 'robot-2') };
    broker = await PrivateMosquitto.start({
      tls: { cafile: ca, certfile: server.cert, keyfile: server.key, requireCertificate: true },
    });
  });
  afterAll(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN mqtts:// with the CA and each robot’s certificate THEN the robots see each other; without a certificate the broker refuses', async () => {
    const robots = new MeshRobots(broker.tlsUrl, FLEET);
    try {
      const withCert = (id: string) => ({
        overrides: {
          'mesh.broker': broker.tlsUrl,
          'mesh.caFile': ca,
          'mesh.certFile': robotCerts[id]!.cert,
          'mesh.keyFile': robotCerts[id]!.key,
        },
      });
      const one = robots.start('robot-1', withCert('robot-1'));
      const two = robots.start('robot-2', withCert('robot-2'));
      const anonymous = robots.start('robot-3', { overrides: { 'mesh.broker': broker.tlsUrl, 'mesh.caFile': ca } });
      await until('both links ready over TLS', () => one.state === 'ready' && two.state === 'ready');
      two.publishState(ownState({ pose: { xM: 4, yM: 0, yawRad: 0 } }));
      await until('robot 1 to see robot 2', () =>
        one.peers().some((p) => p.id === 'robot-2' && p.state?.pose.xM === 4),
      );
      expect(one.status()).toMatchObject({ broker: broker.tlsUrl, protocol: 'mqtt-5' });
      await until('the link without a certificate to fail', () => anonymous.status().lastError !== null);
      expect(anonymous.state).not.toBe('ready');
      expect(anonymous.status().connects).toBe(0);
    } finally {
      await robots.close();
    }
  });

  it('names the file it cannot read, and keeps trying', async () => {
    const robots = new MeshRobots(broker.tlsUrl, FLEET);
    try {
      const link = robots.start('robot-4', {
        overrides: { 'mesh.broker': broker.tlsUrl, 'mesh.caFile': join(dir, 'no-such-ca.pem') },
      });
      await until('the failure', () => link.status().lastError !== null);
      expect(link.status().lastError).toContain(`mesh.caFile: cannot read ${join(dir, 'no-such-ca.pem')}`);
      expect(link.state).toBe('transient-failure');
    } finally {
      await robots.close();
    }
  });
});
