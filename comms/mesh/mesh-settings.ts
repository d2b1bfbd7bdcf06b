import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/config-error.js';
import { readListenAddress, type ListenAddress } from '../../config/listen-address.js';
import type { ParamValues } from '../../config/params.js';

/** Where a configuration problem of the mesh is reported from: the resolved parameters. */
const SOURCE = 'parameters';

/** How this robot joins the mesh (`mesh.*`, docs/configuration.md). */
export interface MeshSettings {
  robotId: string;
  fleet: string;
  /** `mqtt://host:port` or `mqtts://host:port`; empty: start the embedded broker on {@link listen}. */
  broker: string;
  /** Where the embedded broker listens when {@link broker} is empty. */
  listen: ListenAddress;
  /** PEM files for `mqtts://`: the authority to check the broker against, the client certificate and its key ('' for none). */
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Given to the broker; empty: none. Defaults to the robot id when a password is set. */
  username: string;
  /** Secret: never logged. Empty: none. */
  password: string;
  stateHz: number;
  peerStaleMs: number;
  maxPayloadBytes: number;
  hazardTtlMs: number;
  claimAheadM: number;
  claimForMs: number;
}

/** The TLS material of an `mqtts://` broker, read from the files named by the settings. */
export interface MeshTlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * The mesh's settings from resolved parameters and the robot's id; null when `mesh.enabled` is off.
 * Reads no file: the TLS files are read by {@link readMeshTlsFiles} when the link connects.
 * @throws ConfigError naming the parameter when the settings do not fit together (a client
 * certificate without its key, TLS files for a plain or embedded broker, an unreadable listen address).
 */
export function meshSettingsFromParams(params: ParamValues, robotId: string): MeshSettings | null {
  if (!params['mesh.enabled']) return null;
  const broker = params['mesh.broker'];
  const listen = readListenAddress(params['mesh.listen']);
  if ('problem' in listen) throw new ConfigError(SOURCE, 'mesh.listen', listen.problem);
  const settings: MeshSettings = {
    robotId,
    fleet: params['mesh.fleet'],
    broker,
    listen,
    caFile: params['mesh.caFile'],
    certFile: params['mesh.certFile'],
    keyFile: params['mesh.keyFile'],
    username: params['mesh.username'] || (params['mesh.password'] ? robotId : ''),
    password: params['mesh.password'],
    stateHz: params['mesh.stateHz'],
    peerStaleMs: params['mesh.peerStaleMs'],
    maxPayloadBytes: params['mesh.maxPayloadBytes'],
    hazardTtlMs: params['mesh.hazardTtlMs'],
    claimAheadM: params['mesh.claimAheadM'],
    claimForMs: params['mesh.claimForMs'],
  };
  if ((settings.certFile === '') !== (settings.keyFile === '')) {
    const [set, unset] = settings.certFile ? ['mesh.certFile', 'mesh.keyFile'] : ['mesh.keyFile', 'mesh.certFile'];
    throw new ConfigError(SOURCE, unset, `is empty while ${set} is set: a client certificate needs its key`);
  }
  if (!broker.startsWith('mqtts://')) {
    for (const name of ['mesh.caFile', 'mesh.certFile'] as const) {
      if (params[name] !== '') {
        throw new ConfigError(
          SOURCE,
          name,
          `is set but mesh.broker is ${broker ? `"${broker}"` : 'empty (the embedded broker)'}, which is not mqtts://`,
        );
      }
    }
  }
  return settings;
}

function readPem(file: string, param: string): Buffer | undefined {
  if (file === '') return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(SOURCE, param, `cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * Reads the TLS files of the settings (each time it is called: a renewed certificate is picked up at
 * the next connection).
 * @throws ConfigError naming the parameter and the file when one cannot be read.
 */
export function readMeshTlsFiles(settings: Pick<MeshSettings, 'caFile' | 'certFile' | 'keyFile'>): MeshTlsFiles {
  const files: MeshTlsFiles = {};
  const ca = readPem(settings.caFile, 'mesh.caFile');
  const cert = readPem(settings.certFile, 'mesh.certFile');
  const key = readPem(settings.keyFile, 'mesh.keyFile');
  if (ca) files.ca = ca;
  if (cert) files.cert = cert;
  if (key) files.key = key;
  return files;
}
