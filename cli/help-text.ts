import { EMBEDDED_SCENARIOS, VERSION } from './embedded-assets.generated.js';

/** The board `spinal doctor` checks when no `--board` is given. */
export const DEFAULT_DOCTOR_BOARD = 'rpi4-ld06-motorhat';

/** Every shipped scenario, by name, wrapped to the help's width. */
function scenarioList(indent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const name of Object.keys(EMBEDDED_SCENARIOS)) {
    const word = `${name}${name === Object.keys(EMBEDDED_SCENARIOS).at(-1) ? '' : ','}`;
    if (line.length + word.length + 1 > 100 && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

const EXIT_CODES = 'Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.\n';

const SIM_HELP = `Usage: spinal sim [--scenario FILE|NAME] [--headless] [--duration S] [--speed X]
                  [--report FILE] [--plot FILE.svg] [--robot-processes] [--board FILE] [--config FILE] [--pty]

Runs the robot runtime against the hardware simulator.
  --scenario FILE|NAME  a scenario file, or a shipped one (default: default)
  --headless            no live status line; run --duration seconds of sim time, then report
  --duration S          sim seconds to run (default: the scenario's headless, until Ctrl-C live)
  --speed X             sim seconds per wall second; 0 or max = as fast as possible
                        (default: 1 live, as fast as possible headless)
  --report FILE         write the JSON report to FILE (its directory must exist)
  --plot FILE.svg       draw the run as an SVG: the world, each robot's true and believed
                        trajectory, reflex trips and collisions with their reasons, the geofence
                        and the minimum-clearance point (the report's "plot" names it)
  --robot-processes     run each robot of a fleet in an OS process of its own (default: each
                        robot's runtime on the simulator's main thread)
  --board FILE|NAME     override the board of every robot in the scenario
  --config FILE         runtime config file (parameters, geofence)
  --pty                 attach each simulated serial device to a pseudo-terminal (needs socat) and
                        read it through the real serialport binding

Without --headless it runs until Ctrl-C with a live status line and the debug port (default
http://127.0.0.1:8080; with several robots, the others' on free ports). A headless run stopped early, or a robot whose devices never all came up,
exits 1. Shipped scenarios:
${scenarioList('  ')}

${EXIT_CODES}`;

const RUN_HELP = `Usage: spinal run --board FILE [--config FILE]

Runs the robot on its hardware until SIGINT or SIGTERM (motors braked on the way out).
  --board FILE|NAME  the board config (a file, or a shipped board's name)
  --config FILE      runtime config file (parameters, geofence)

Parameters: docs/configuration.md; each can be set with SPINAL_<NAME>. A mistyped SPINAL_
variable is warned about; one close to a safety parameter stops spinal run.

${EXIT_CODES}`;

const DOCTOR_HELP = `Usage: spinal doctor [--board FILE|NAME] [--json]

Checks a board config and this machine: device files, groups, serial consoles, GPIO numbering, I2C.
  --board FILE|NAME  the board config (default: the shipped ${DEFAULT_DOCTOR_BOARD})
  --json             print the findings (or the configuration error) as JSON on stdout

Exit codes: 0 nothing blocks spinal run, 1 something does, 2 usage or configuration error.
`;

const UPGRADE_HELP = `Usage: spinal upgrade FILE [--timeout S] [--settle S] [--unit NAME] [--systemctl CMD] [--root DIR]

Installs FILE as the service's binary (/usr/local/bin/spinal), keeping the one it replaces as
spinal.previous, and restarts the service. A new binary that is not healthy (the unit active,
which it becomes once the process reports READY=1) for --settle seconds within --timeout seconds
of its start is rolled back: the previous binary is put back and the service restarted. Either
outcome is an event in /var/lib/spinal/upgrade-events.jsonl.
  --timeout S      seconds the new binary has to become healthy (default 60)
  --settle S       seconds it must stay healthy without a break (default 10)
  --unit NAME      the systemd unit (default spinal)
  --systemctl CMD  the command that restarts and asks the unit (default systemctl)
  --root DIR       install root (default /)

Exit codes: 0 upgraded, 1 rolled back or failed, 2 usage error.
`;

/** `spinal events export --help`. */
export const EVENTS_HELP = `Usage: spinal events export [--since SEQ|TIME] [--format jsonl] [--config FILE]

Writes the ledger's events (ledger.path) as JSON lines, oldest first; works while the robot runs.
  --since SEQ|TIME  events after sequence SEQ, or written at or after TIME (ISO 8601, e.g.
                    2026-01-31T12:00:00Z); default: all
  --format jsonl    one JSON object per line (the only format)
  --config FILE     runtime config file (for ledger.path)

${EXIT_CODES}`;

/** `spinal record export --help`. */
export const RECORD_HELP = `Usage: spinal record export --format mcap [--out FILE] [--ledger PATH]
                            [--since TIME] [--until TIME] [--config FILE]

Writes the recorded run the ledger holds as MCAP, for Foxglove, on the live server's topics: every
event (/ledger/events), its log line (/events, foxglove.Log), each reflex trip's black box
(/reflex/black_box), and the recorded telemetry: pose (/pose, /tf), motion and pose quality
(/motion), lidar scans (/scan), the planned path (/path), the reflex's state (/reflex/state), the
footprint (/footprint) and the map (/map). Times are the recorded robot times, each boot placed on
the wall clock at its first row; works while the robot runs.
  --format mcap   the only format
  --out FILE      the file to write (default spinal-record.mcap)
  --ledger PATH   the ledger to read (default: ledger.path)
  --since TIME    only what happened at or after TIME (ISO 8601, e.g. 2026-01-31T12:00:00Z)
  --until TIME    only what happened at or before TIME
  --config FILE   runtime config file (for ledger.path)

${EXIT_CODES}`;

/** `spinal supervisor --help`. */
export const SUPERVISOR_HELP = `Usage: spinal supervisor [--listen HOST:PORT] [--missions FILE] [--store URL]

The reference fleet supervisor: accepts robots' uplinks, stores their events once each (by robot,
boot and sequence), assigns missions and shows a live table of robots until Ctrl-C.
  --listen HOST:PORT  where robots connect (default 127.0.0.1:50051)
  --missions FILE     YAML: missions: [{ robot, id, priority?, goto: { xM, yM, toleranceM } |
                      drive: { vMps, wRadps, durationS } | mission: { kind: patrol|survey|..., ... } }]
  --store URL         sqlite:PATH (default sqlite:spinal-supervisor.db) or postgres://...
On standard input: "e ROBOT" sends an e-stop, "r ROBOT" a resume.

${EXIT_CODES}`;

/** `spinal --help`. */
export const USAGE = `spinal ${VERSION}: the on-robot runtime

Usage:
  spinal run --board FILE [--config FILE]      run on a robot's hardware
  spinal sim [--scenario FILE|NAME] [--headless] [--duration S] [--speed X]
             [--report FILE] [--plot FILE.svg] [--robot-processes] [--board FILE] [--config FILE] [--pty]
                                               run against the hardware simulator
  spinal doctor [--board FILE] [--json]        check a board's devices, groups, GPIO numbering and I2C
  spinal map save FILE [--from HOST:PORT] [--mode trinary|raw]
                                               save a running robot's map (ROS map_server format)
  spinal upgrade FILE [--timeout S]            install a new binary; rolled back when it is not healthy
  spinal supervisor [--listen HOST:PORT] [--missions FILE] [--store URL]
                                               the reference fleet supervisor
  spinal events export [--since SEQ|TIME] [--format jsonl] [--config FILE]
                                               write the ledger's events as JSON lines
  spinal record export --format mcap [--out FILE] [--ledger PATH]
                                               write the recorded run as MCAP (Foxglove)
  spinal <command> --help                      a command's options
  spinal --version | --help

sim: without --headless it runs until Ctrl-C with a live status line and the debug port
(default http://127.0.0.1:8080). --headless runs --duration seconds of sim time (default: the
scenario's) as fast as possible unless --speed is given (--speed 0 = as fast as possible).
--pty attaches each simulated serial device to a pseudo-terminal (needs socat) and reads it
through the real serialport binding. Shipped scenarios:
${scenarioList('  ')}
Parameters: docs/configuration.md; each can be set with SPINAL_<NAME>, e.g.
SPINAL_DEBUG_LISTEN=127.0.0.1:0.

${EXIT_CODES}`;

/** Each command's `--help`. */
export const COMMAND_HELP: Readonly<Record<'sim' | 'run' | 'doctor' | 'upgrade', string>> = {
  sim: SIM_HELP,
  run: RUN_HELP,
  doctor: DOCTOR_HELP,
  upgrade: UPGRADE_HELP,
};
