import { readListenAddress } from '../../config/listen-address.js';
import { loadMissionPlan } from '../../comms/supervisor/mission-plan.js';
import { openSupervisorStore } from '../../comms/supervisor/open-store.js';
import { renderRobotTable } from '../../comms/supervisor/robot-table.js';
import { SupervisorServer, type RobotView } from '../../comms/supervisor/supervisor-server.js';
import { sanitizeExternalText } from '../../messages/external-text.js';
import { EXIT_RUNTIME_FAILURE, UsageError } from '../usage-error.js';

/** Where the reference supervisor listens unless `--listen` says otherwise. */
export const DEFAULT_SUPERVISOR_LISTEN = '127.0.0.1:50051';
/** Its store unless `--store` says otherwise. */
export const DEFAULT_SUPERVISOR_STORE = 'sqlite:spinal-supervisor.db';
/** How often the live table is redrawn, ms. */
const TABLE_PERIOD_MS = 1_000;

/**
 * `spinal supervisor [--listen HOST:PORT] [--missions FILE] [--store sqlite:PATH|postgres://...]`:
 * the reference fleet supervisor. Accepts robot links, stores their events once each, assigns the
 * planned missions, and shows a live table of robots until SIGINT or SIGTERM. On stdin, `e ROBOT`
 * sends an e-stop and `r ROBOT` a resume.
 */
export async function runSupervisorCommand(options: {
  listen: string | undefined;
  missions: string | undefined;
  store: string | undefined;
  /** The live table, the address it listens on and the commands' answers. */
  out: NodeJS.WriteStream;
  /** Why it could not start. */
  err: NodeJS.WritableStream;
}): Promise<number> {
  const listen = options.listen ?? DEFAULT_SUPERVISOR_LISTEN;
  const address = readListenAddress(listen);
  if ('problem' in address) throw new UsageError(`--listen: ${address.problem}`);
  const plan = options.missions ? loadMissionPlan(options.missions) : [];
  const storeUrl = options.store ?? DEFAULT_SUPERVISOR_STORE;
  const store = openSupervisorStore(storeUrl);
  if (!store) throw new UsageError(`--store: "${storeUrl}" is neither sqlite:PATH nor postgres://...`);
  const shown = storeUrl.split('@').at(-1);
  try {
    await store.init();
  } catch (error) {
    options.err.write(`spinal supervisor: cannot open the store ${shown}: ${messageOf(error)}\n`);
    return EXIT_RUNTIME_FAILURE;
  }
  const server = new SupervisorServer(store, plan);
  let port: number;
  try {
    port = await server.listen(listen);
  } catch (error) {
    options.err.write(`spinal supervisor: cannot listen on ${listen}: ${messageOf(error)}\n`);
    await server.stop();
    await store.close();
    return EXIT_RUNTIME_FAILURE;
  }
  const bound = `${listen.slice(0, listen.lastIndexOf(':'))}:${port}`;
  options.out.write(`spinal supervisor: listening on ${bound}, store ${shown}\n`);
  const tty = options.out.isTTY === true;
  const acksShown = new Map<string, number>();
  const table = setInterval(() => {
    const robots = server.robots();
    const text = renderRobotTable(robots);
    options.out.write(tty ? `\x1b[H\x1b[2J${text}` : text);
    for (const line of newAckLines(robots, acksShown)) options.out.write(`${line}\n`);
  }, TABLE_PERIOD_MS);
  process.stdin.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const [verb, robot] = line.trim().split(/\s+/);
      if (!robot || (verb !== 'e' && verb !== 'r')) continue;
      const id = server.command(robot, verb === 'e' ? 'estop' : 'resume');
      options.out.write(id === null ? `${robot}: not linked\n` : `${robot}: command ${id} sent\n`);
    }
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(table);
  process.stdin.pause();
  await server.stop();
  await store.close();
  return 0;
}

/** One line per command answer not shown yet (`robot-1: command 1 accepted`, or refused with the reason); `shown` counts per robot. */
function newAckLines(robots: readonly RobotView[], shown: Map<string, number>): string[] {
  const lines: string[] = [];
  for (const robot of robots) {
    const from = shown.get(robot.robotId) ?? 0;
    for (const ack of robot.acks.slice(from))
      lines.push(
        `${robot.robotId}: command ${ack.commandId} ${ack.accepted ? 'accepted' : `refused: ${sanitizeExternalText(ack.reason)}`}`,
      );
    shown.set(robot.robotId, robot.acks.length);
  }
  return lines;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
