import { readListenAddress } from '../../config/listen-address.js';
import { loadMissionPlan } from '../../comms/supervisor/mission-plan.js';
import { openSupervisorStore } from '../../comms/supervisor/open-store.js';
import { renderRobotTable } from '../../comms/supervisor/robot-table.js';
import { SupervisorServer } from '../../comms/supervisor/supervisor-server.js';
import { UsageError } from '../usage-error.js';

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
  out: NodeJS.WriteStream;
}): Promise<number> {
  const listen = options.listen ?? DEFAULT_SUPERVISOR_LISTEN;
  const address = readListenAddress(listen);
  if ('problem' in address) throw new UsageError(`--listen: ${address.problem}`);
  const plan = options.missions ? loadMissionPlan(options.missions) : [];
  const storeUrl = options.store ?? DEFAULT_SUPERVISOR_STORE;
  const store = openSupervisorStore(storeUrl);
  if (!store) throw new UsageError(`--store: "${storeUrl}" is neither sqlite:PATH nor postgres://...`);
  await store.init();
  const server = new SupervisorServer(store, plan);
  const port = await server.listen(listen);
  const bound = `${listen.slice(0, listen.lastIndexOf(':'))}:${port}`;
  options.out.write(`spinal supervisor: listening on ${bound}, store ${storeUrl.split('@').at(-1)}\n`);
  const tty = options.out.isTTY === true;
  const table = setInterval(() => {
    const text = renderRobotTable(server.robots());
    options.out.write(tty ? `\x1b[H\x1b[2J${text}` : text);
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
