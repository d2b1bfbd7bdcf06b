import { readFileSync } from 'node:fs';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type ChannelCredentials,
  type Client,
  type ClientDuplexStream,
} from '@grpc/grpc-js';
import type { RobotFrame } from '../proto/generated/spinal/v1/uplink.generated.js';
import { UplinkService } from '../proto/generated/spinal/v1/uplink.generated.js';
import type { UplinkSettings } from './uplink-settings.js';

/** The robot's end of one `Link` stream: frames up as messages, frames down as raw bytes (the robot decodes and judges them itself, so a bad one never ends the stream). */
export type RobotStream = ClientDuplexStream<RobotFrame, Buffer>;

/** `Link` as the robot calls it: the request serialized by the schema, the response left as bytes. */
const RAW_LINK = {
  link: { ...UplinkService.link, responseDeserialize: (bytes: Buffer): Buffer => bytes },
} as const;

const RawUplinkClient = makeGenericClientConstructor(RAW_LINK, 'spinal.v1.Uplink') as unknown as new (
  target: string,
  creds: ChannelCredentials,
  options: Record<string, number | string>,
) => Client & { link(metadata: Metadata): RobotStream };

/** The largest frame the robot accepts from a supervisor, bytes (a bigger one is refused by gRPC with RESOURCE_EXHAUSTED). */
export const MAX_SUPERVISOR_FRAME_BYTES = 4 * 1024 * 1024;

function credentialsOf(settings: UplinkSettings): ChannelCredentials {
  if (settings.tls === 'none') return credentials.createInsecure();
  const ca = settings.caFile ? readFileSync(settings.caFile) : null;
  if (settings.tls === 'tls') return credentials.createSsl(ca);
  return credentials.createSsl(ca, readFileSync(settings.keyFile), readFileSync(settings.certFile));
}

/**
 * How far the robot's writes may run ahead of the socket on one stream, bytes. grpc-js keeps every
 * frame written but not yet on the socket in a per-call buffer and reports each one written at once
 * until that buffer is full (1 MB by default); only then does `write()` return false. Each frame sent
 * then walks that buffer again, so a large one makes replay slower (about 25,000 frames/s against
 * 40,000 with 64 KB in `npm run bench -- ledger`) and backpressure later (telemetry is skipped only
 * once the stream says it is backed up).
 */
const STREAM_BUFFER_BYTES = 64 * 1024;

/** A client for `settings.target` with keepalive pings (so a silently dead link is noticed within keepaliveMs + keepaliveTimeoutMs). */
export function openUplinkClient(settings: UplinkSettings): Client & { link(metadata: Metadata): RobotStream } {
  return new RawUplinkClient(settings.target, credentialsOf(settings), {
    'grpc.keepalive_time_ms': settings.keepaliveMs,
    'grpc.keepalive_timeout_ms': settings.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.max_pings_without_data': 0,
    'grpc.max_receive_message_length': MAX_SUPERVISOR_FRAME_BYTES,
    'grpc.enable_retries': 0,
    'grpc.per_rpc_retry_buffer_size': STREAM_BUFFER_BYTES,
    // Its own connection, never one shared with another client in the process: the keepalive that
    // judges this link, and the reconnect after it fails, are this link's alone.
    'grpc.use_local_subchannel_pool': 1,
  });
}

/** The call's metadata: the bearer token when one is set. */
export function linkMetadata(settings: UplinkSettings): Metadata {
  const metadata = new Metadata();
  if (settings.token !== '') metadata.set('authorization', `Bearer ${settings.token}`);
  return metadata;
}
