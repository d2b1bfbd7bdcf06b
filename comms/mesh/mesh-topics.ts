import { paramSpecs } from '../../config/params.js';

/**
 * The mesh's topic tree (docs/mesh.md): `spinal/v1/<fleet>/<robotId>/<kind>`, one protobuf message
 * of comms/proto/spinal/v1/mesh.proto per kind. The fleet and the robot id follow the pattern of the
 * `robot.id` parameter, so a topic never holds a wildcard, a slash or an empty level.
 */

/** The root of every mesh topic, with the version of the topic layout and payloads. */
export const MESH_TOPIC_ROOT = 'spinal/v1';

/** What a topic carries: `state` (QoS 0), `presence` (retained, last will), `hazards` (QoS 1), `claims` (QoS 0). */
export type MeshTopicKind = 'state' | 'presence' | 'hazards' | 'claims';

export const MESH_TOPIC_KINDS: readonly MeshTopicKind[] = ['state', 'presence', 'hazards', 'claims'];

/** A topic taken apart. */
export interface MeshTopic {
  fleet: string;
  robotId: string;
  kind: MeshTopicKind;
}

const idFormat = paramSpecs['robot.id'].format;

/** Whether `id` is a well-formed robot id or fleet name (the `robot.id` parameter's pattern). */
export function isMeshId(id: string): boolean {
  return idFormat.problemWith(id) === undefined;
}

function isTopicKind(kind: string): kind is MeshTopicKind {
  return (MESH_TOPIC_KINDS as readonly string[]).includes(kind);
}

/**
 * The topic a robot publishes `kind` on.
 * @throws RangeError when the fleet or the id is not well formed (a configuration error: both are
 * validated parameters).
 */
export function meshTopic(fleet: string, robotId: string, kind: MeshTopicKind): string {
  if (!isMeshId(fleet)) throw new RangeError(`mesh topic: fleet ${JSON.stringify(fleet)} is not well formed`);
  if (!isMeshId(robotId)) throw new RangeError(`mesh topic: robot id ${JSON.stringify(robotId)} is not well formed`);
  return `${MESH_TOPIC_ROOT}/${fleet}/${robotId}/${kind}`;
}

/** What a robot subscribes to: every kind from every robot of its fleet (`spinal/v1/<fleet>/+/+`). */
export function meshFilter(fleet: string): string {
  if (!isMeshId(fleet)) throw new RangeError(`mesh filter: fleet ${JSON.stringify(fleet)} is not well formed`);
  return `${MESH_TOPIC_ROOT}/${fleet}/+/+`;
}

/** The parts of a mesh topic, or null for anything else (another root, a bad id, an unknown kind). */
export function parseMeshTopic(topic: string): MeshTopic | null {
  if (!topic.startsWith(`${MESH_TOPIC_ROOT}/`)) return null;
  const levels = topic.slice(MESH_TOPIC_ROOT.length + 1).split('/');
  if (levels.length !== 3) return null;
  const [fleet, robotId, kind] = levels as [string, string, string];
  if (!isMeshId(fleet) || !isMeshId(robotId) || !isTopicKind(kind)) return null;
  return { fleet, robotId, kind };
}
