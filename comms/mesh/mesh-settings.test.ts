import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config-error.js';
import { paramsWith } from '../../test/harness/test-params.js';
import { meshSettingsFromParams, readMeshTlsFiles } from './mesh-settings.js';

const dir = mkdtempSync(join(tmpdir(), 'spinal-mesh-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mesh settings', () => {
  it('are none when the mesh is off', () => {
    expect(meshSettingsFromParams(paramsWith({ 'mesh.enabled': false }), 'robot-1')).toBeNull();
  });

  it('take the parameters, with the embedded broker’s address read and the robot id as default user name', () => {
    const settings = meshSettingsFromParams(
      paramsWith({ 'mesh.listen': '127.0.0.1:0', 'mesh.password': 's3cret', 'mesh.fleet': 'hall-b' }),
      'robot-4',
    );
    expect(settings).toMatchObject({
      robotId: 'robot-4',
      fleet: 'hall-b',
      broker: '',
      listen: { host: '127.0.0.1', port: 0 },
      username: 'robot-4',
      password: 's3cret',
      stateHz: 10,
      peerStaleMs: 1_000,
      maxPayloadBytes: 4_096,
    });
    expect(meshSettingsFromParams(paramsWith({ 'mesh.username': 'u' }), 'robot-4')?.username).toBe('u');
    expect(meshSettingsFromParams(paramsWith(), 'robot-4')?.username).toBe('');
  });

  it('refuse a certificate without its key, naming the missing parameter', () => {
    const read = () =>
      meshSettingsFromParams(paramsWith({ 'mesh.broker': 'mqtts://b:8883', 'mesh.certFile': '/c.pem' }), 'robot-1');
    expect(read).toThrow(ConfigError);
    expect(read).toThrow('mesh.keyFile: is empty while mesh.certFile is set');
  });

  it('refuse TLS files for a broker that is not mqtts://', () => {
    expect(() =>
      meshSettingsFromParams(paramsWith({ 'mesh.broker': 'mqtt://b:1883', 'mesh.caFile': '/ca.pem' }), 'robot-1'),
    ).toThrow('mesh.caFile: is set but mesh.broker is "mqtt://b:1883", which is not mqtts://');
    expect(() => meshSettingsFromParams(paramsWith({ 'mesh.caFile': '/ca.pem' }), 'robot-1')).toThrow(
      'empty (the embedded broker)',
    );
  });

  it('read the TLS files only when asked, and name the file that cannot be read', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'CA');
    const settings = meshSettingsFromParams(
      paramsWith({
        'mesh.broker': 'mqtts://b:8883',
        'mesh.caFile': ca,
        'mesh.certFile': join(dir, 'missing.pem'),
        'mesh.keyFile': join(dir, 'key.pem'),
      }),
      'robot-1',
    );
    expect(settings).not.toBeNull();
    expect(() => readMeshTlsFiles(settings!)).toThrow(`mesh.certFile: cannot read ${join(dir, 'missing.pem')}`);
    expect(readMeshTlsFiles({ caFile: ca, certFile: '', keyFile: '' })).toEqual({ ca: Buffer.from('CA') });
  });
});
