import type { ParamValues } from '../../config/params.js';

/** How the robot reaches its supervisor. */
export interface UplinkSettings {
  /** `host:port`. */
  target: string;
  tls: 'none' | 'tls' | 'mtls';
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Bearer token; empty: none. */
  token: string;
  telemetryHz: number;
  keepaliveMs: number;
  keepaliveTimeoutMs: number;
}

/** The uplink's settings from resolved parameters (`uplink.*`); null when no target is set. */
export function uplinkSettingsFromParams(params: ParamValues): UplinkSettings | null {
  if (params['uplink.target'] === '') return null;
  const tls = params['uplink.tls'];
  return {
    target: params['uplink.target'],
    tls: tls === 'tls' || tls === 'mtls' ? tls : 'none',
    caFile: params['uplink.caFile'],
    certFile: params['uplink.certFile'],
    keyFile: params['uplink.keyFile'],
    token: params['uplink.token'],
    telemetryHz: params['uplink.telemetryHz'],
    keepaliveMs: params['uplink.keepaliveMs'],
    keepaliveTimeoutMs: params['uplink.keepaliveTimeoutMs'],
  };
}
