import type { DoctorResult } from './checks.js';
import type { Finding, FindingStatus } from './finding.js';

const LABEL: Record<FindingStatus, string> = { ok: 'ok     ', warn: 'warn   ', problem: 'PROBLEM' };
const INDENT = '        ';

/** Counts of each status. */
export function summarize(findings: Finding[]): Record<FindingStatus, number> {
  const counts: Record<FindingStatus, number> = { ok: 0, warn: 0, problem: 0 };
  for (const finding of findings) counts[finding.status] += 1;
  return counts;
}

/** True when a problem stops the robot from working as configured. */
export function blocksRun(findings: Finding[]): boolean {
  return findings.some((finding) => finding.status === 'problem');
}

/**
 * The report a person reads: a heading, one line per finding (`ok`, `warn`, `PROBLEM`), each fix on a
 * `fix:` line under it, and a summary.
 */
export function formatDoctorReport(result: DoctorResult, context: { file: string; user: string }): string {
  const lines: string[] = [
    `spinal doctor: ${context.file} on ${result.boardModel ?? 'an unknown board'}, as user ${context.user}`,
  ];
  for (const finding of result.findings) {
    lines.push(`${LABEL[finding.status]} ${finding.what}`);
    for (const step of finding.fix) lines.push(`${INDENT}fix: ${step}`);
  }
  const counts = summarize(result.findings);
  const tail = `${counts.warn} warning(s), ${counts.ok} ok`;
  lines.push(
    counts.problem === 0
      ? `nothing blocks spinal run (${tail})`
      : `${counts.problem} problem(s) block spinal run (${tail})`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The same as JSON, for tools: `{file, boardGiven, boardModel, user, blocksRun, summary, findings}`;
 * `boardGiven` is false when no `--board` was given and the default board was checked.
 */
export function formatDoctorJson(
  result: DoctorResult,
  context: { file: string; user: string; boardGiven?: boolean },
): string {
  const report = {
    file: context.file,
    boardGiven: context.boardGiven ?? true,
    boardModel: result.boardModel ?? null,
    user: context.user,
    blocksRun: blocksRun(result.findings),
    summary: summarize(result.findings),
    findings: result.findings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
