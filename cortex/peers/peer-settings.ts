/** What the cortex needs to take part in the mesh (the `mesh.*` parameters it uses, and the robot's id). */
export interface PeerSettings {
  /** Off: the robot neither tells its peers anything nor yields to them. */
  enabled: boolean;
  robotId: string;
  /** How often the robot's state and claim go to its peers, Hz. */
  stateHz: number;
  /** How far along its planned path the robot claims the right of way, metres. */
  claimAheadM: number;
  /** How long a claim holds unless renewed, milliseconds. */
  claimForMs: number;
}
