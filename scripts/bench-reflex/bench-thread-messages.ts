import type { LidarPoints } from '../../messages/lidar-points.js';
import type { MessagePort } from 'node:worker_threads';
import type { DriveCommand } from '../../messages/drive.js';
import type { ReflexSettings } from '../../reflex/arbiter.js';

/**
 * What the reflex bench's threads are started with and what they say to the main thread. Every
 * message is a plain object tagged by `t`.
 */

/** A planner stuck in a tight loop: it never yields its thread (the cortex stall of the spinal runs). */
export interface SpinningPlannerData {
  role: 'spinning-planner';
}

/**
 * The rejected design: the obstacle check made in the planner's thread, a planner that blocks
 * its thread `stallMs` out of every `stallPeriodMs` (a busy planner, BRIEF §4).
 */
export interface StallingPlannerData {
  role: 'stalling-planner';
  settings: ReflexSettings;
  footprint: { lengthM: number; widthM: number };
  wheelBaseM: number;
  /** Speed the robot is driving at when the check runs, m/s. */
  cruiseMps: number;
  stallMs: number;
  stallPeriodMs: number;
}

/** The comms thread: parses and acknowledges the mesh's PUBLISH packets, and relays a manual drive. */
export interface CommsData {
  role: 'comms';
  /** The mesh link: PUBLISH packets in, PUBACK packets out. */
  mesh: MessagePort;
  /** Forward speed of the manual drive command it relays, m/s. */
  driveMps: number;
  /** How often it relays the command, ms. */
  drivePeriodMs: number;
}

/** The broker side of the mesh: PUBLISH packets at `messagesPerS`, 200..500-byte payloads. */
export interface MeshFloodData {
  role: 'mesh-flood';
  mesh: MessagePort;
  messagesPerS: number;
}

/** What every bench thread may be given besides its role's data. */
export interface ThreadPriority {
  /** Nice value the thread gives itself at start (Linux: per thread), 0..19; absent: left alone. */
  nice?: number;
}

export type BenchThreadData = (SpinningPlannerData | StallingPlannerData | CommsData | MeshFloodData) & ThreadPriority;

/** Lidar points posted to the stalling planner, numbered so its stop can name the packet that caused it. */
export interface PointsMessage {
  t: 'points';
  seq: number;
  points: LidarPoints;
}

/** Asks a load thread for its counters. */
export interface StatsRequest {
  t: 'stats';
}

export type MainToBenchThread = PointsMessage | StatsRequest;

/** The thread is set up and running. */
export interface ReadyMessage {
  t: 'ready';
}

/** The stalling planner saw an obstacle inside the stopping distance in packet `seq`. */
export interface StopMessage {
  t: 'stop';
  seq: number;
}

/** A manual drive command relayed by the comms thread (as the debug port's override would). */
export interface DriveMessage {
  t: 'drive';
  command: DriveCommand;
}

/** A load thread's counters since it started. */
export interface StatsMessage {
  t: 'stats';
  counters: Record<string, number>;
}

export type BenchThreadToMain = ReadyMessage | StopMessage | DriveMessage | StatsMessage;
