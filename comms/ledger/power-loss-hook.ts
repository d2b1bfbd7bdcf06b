import createDebug from 'debug';

const log = createDebug('spinal:comms:ledger');

/**
 * `SPINAL_FAULT_POWER_LOSS_AT_SEQ=N`: for tests and the simulator's `power-loss` fault only. The
 * process is killed (SIGKILL) inside the first transaction that has written the event numbered N
 * or above, after the rows are written and before the transaction commits and syncs: the moment a
 * power cut hurts most. Unset (always, on a robot), the ledger has no such hook.
 */
export const POWER_LOSS_ENV = 'SPINAL_FAULT_POWER_LOSS_AT_SEQ';

/** The hook the ledger calls between a transaction's writes and its commit, with the last sequence written; null when not asked for. */
export function powerLossHookFrom(env: Record<string, string | undefined>): ((lastSeq: number) => void) | null {
  const text = env[POWER_LOSS_ENV];
  if (text === undefined || text === '') return null;
  const atSeq = Number(text);
  if (!Number.isInteger(atSeq) || atSeq < 1) {
    log('%s=%s is not a positive whole number: no power loss', POWER_LOSS_ENV, text);
    return null;
  }
  return (lastSeq) => {
    if (lastSeq >= atSeq) cutPower(lastSeq);
  };
}

/** Bytes of the shared cell that arms the power loss from another thread: one 32-bit flag (1: armed). */
export const POWER_LOSS_CELL_BYTES = 4;

/** The hook of the simulator's `power-loss` fault: once `cell` is armed, the next transaction dies before its commit. */
export function armedPowerLossHook(cell: SharedArrayBuffer): (lastSeq: number) => void {
  const armed = new Int32Array(cell, 0, 1);
  return (lastSeq) => {
    if (Atomics.load(armed, 0) === 1) cutPower(lastSeq);
  };
}

/** Arms (or disarms) the power loss of the process holding `cell`. */
export function armPowerLoss(cell: SharedArrayBuffer, armed: boolean): void {
  Atomics.store(new Int32Array(cell, 0, 1), 0, armed ? 1 : 0);
}

function cutPower(lastSeq: number): never {
  log('power loss: killed with event %d written and not committed', lastSeq);
  process.kill(process.pid, 'SIGKILL');
  // Nothing more of this thread runs, not even the commit, while the signal takes the process.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
