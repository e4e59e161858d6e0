/**
 * The report for a terminal or the Actions log: the demo, local runs, and the log of every run.
 * Pure. Remote text goes through `plainLine`/`plainLines` (no control characters, no workflow
 * commands); multi-line remote text is printed behind a `│` gutter so no remote line starts a log line.
 */
import { clip, plainLine, plainLines } from './escape.js';
import {
  checkLook,
  formatBytes,
  formatDuration,
  isTroubled,
  outcomeLook,
  resultLook,
  resultTitle,
  rollbackSentence,
  shortSha,
  versionPath,
  type Tone,
} from './format.js';
import type { RunReport } from './types.js';

export interface TerminalOptions {
  /** ANSI colours (for a TTY or the Actions log, which renders them). */
  color: boolean;
}

// A terminal view is for a glance; the job summary and the `report` output keep the rest.
const LOG_HEAD = 10;
const LOG_TAIL = 40;
const FIELD_MAX = 500;

const TONE_CODE: Record<Tone, string> = { good: '32', bad: '31', warn: '33', info: '36' };

export function renderTerminal(report: RunReport, options: TerminalOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const tone = (t: Tone, text: string): string => paint(TONE_CODE[t], text);
  const bold = (text: string): string => paint('1', text);
  const dim = (text: string): string => paint('2', text);
  const one = (text: string): string => plainLine(clip(text, FIELD_MAX));
  const gutter = (lines: readonly string[], indent: string): string[] =>
    excerpt(plainLines(lines)).map((l) => `${indent}${dim('│')} ${l}`);

  const out: string[] = [];
  const section = (title: string): void => {
    out.push('', bold(title));
  };

  const look = resultLook(report.result);
  out.push(tone(look.tone, bold(`${look.symbol} ${one(resultTitle(report))}`)));
  if (report.message) out.push(`  ${one(report.message)}`);
  const facts = [
    report.dryRun ? 'dry run: nothing was changed' : '',
    report.environment ? `environment ${one(report.environment)}` : '',
    `${report.hosts.length} host${report.hosts.length === 1 ? '' : 's'}`,
    report.durationMs !== undefined ? `took ${formatDuration(report.durationMs)}` : '',
  ].filter(Boolean);
  out.push(dim(`  ${facts.join(' · ')}`));

  if (report.errors.length > 0) {
    section('Errors');
    for (const e of report.errors) out.push(`  ${tone('bad', '✗')} ${one(e)}`);
  }

  if (report.plan.length > 0) {
    section('Plan');
    report.plan.forEach((step, i) => out.push(`  ${String(i + 1).padStart(2)}. ${one(step)}`));
  }

  if (report.hosts.length > 0) {
    section('Hosts');
    const rows = report.hosts.map((h) => {
      const o = outcomeLook(h.outcome);
      const idle = h.outcome === 'planned' || h.outcome === 'not-started';
      return {
        cells: [
          one(h.name),
          h.role,
          h.method,
          versionPath(h, report.version)
            .map((v) => one(v))
            .join(' → '),
          idle ? '—' : formatDuration(h.durationMs),
          formatDuration(h.downtimeMs),
        ],
        outcome: tone(o.tone, `${o.symbol} ${o.label}`),
      };
    });
    const header = ['HOST', 'ROLE', 'METHOD', 'VERSION', 'DURATION', 'DOWNTIME'];
    const widths = header.map((hd, i) => Math.max(width(hd), ...rows.map((r) => width(r.cells[i] ?? ''))));
    const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i] ?? 0)).join('  ');
    out.push(dim(`  ${line(header)}  OUTCOME`));
    for (const r of rows) out.push(`  ${line(r.cells)}  ${r.outcome}`);
  }

  const checked = report.hosts.filter((h) => h.checks.length > 0);
  if (checked.length > 0) {
    section('Checks');
    for (const h of checked) {
      out.push(`  ${one(h.name)}`);
      const nameWidth = Math.max(...h.checks.map((c) => width(c.name)));
      for (const c of h.checks) {
        const cl = checkLook(c.status);
        out.push(`    ${tone(cl.tone, cl.symbol)} ${pad(c.name, nameWidth)}  ${one(c.detail)}`);
        if (c.status === 'fail' && c.evidence?.length) out.push(...gutter(c.evidence, '        '));
      }
    }
  }

  const troubled = report.hosts.filter(isTroubled);
  if (troubled.length > 0) {
    section('What went wrong');
    for (const h of troubled) {
      const o = outcomeLook(h.outcome);
      out.push(`  ${tone(o.tone, o.symbol)} ${one(h.name)}: ${o.label}`);
      if (h.error) out.push(...plainLines(clip(h.error, FIELD_MAX)).map((l) => `    ${dim('│')} ${l}`));
      const after = rollbackSentence(h, report.version);
      if (after) out.push(`    ${one(after)}`);
      if (h.logExcerpt?.length) out.push(dim('    log lines:'), ...gutter(h.logExcerpt, '      '));
      if (h.steps.length > 0) {
        out.push(dim('    steps:'));
        for (const s of h.steps) {
          const detail = s.detail ? `: ${one(s.detail)}` : '';
          out.push(
            `      ${s.ok ? tone('good', '✓') : tone('bad', '✗')} ${one(s.label)} (${formatDuration(s.durationMs)})${detail}`,
          );
        }
      }
    }
  }

  const recovering = report.hosts.filter((h) => h.manualRecovery?.length);
  if (recovering.length > 0) {
    section(tone('bad', 'Manual recovery needed'));
    for (const h of recovering) {
      out.push(`  on ${one(h.name)}, run:`);
      // Shown in full: every command is needed, none may be cut.
      out.push(...plainLines(h.manualRecovery ?? []).map((l) => `    ${dim('$')} ${l}`));
    }
  }

  if (report.backups.length > 0) {
    section('Backups');
    for (const b of report.backups) {
      out.push(
        `  ${one(b.host)}  ${b.kind}  ${one(b.path)}  ${formatBytes(b.bytes)}  sha256 ${one(shortSha(b.sha256))}`,
      );
    }
  }

  if (report.releaseNotes.length > 0) {
    section('Release notes');
    for (const n of report.releaseNotes) {
      for (const hl of n.highlights) out.push(`  ${tone('warn', '!')} ${one(n.tag)}  ${one(hl)}`);
    }
    for (const n of report.releaseNotes) {
      out.push(dim(`  ${one(n.tag)}${n.prerelease ? ' (prerelease)' : ''}  ${one(n.url)}`));
    }
  }

  if (report.warnings.length > 0) {
    section('Warnings');
    for (const w of report.warnings) out.push(`  ${tone('warn', '!')} ${one(w)}`);
  }

  return `${out.join('\n')}\n`;
}

function excerpt(lines: string[]): string[] {
  if (lines.length <= LOG_HEAD + LOG_TAIL) return lines;
  const omitted = lines.length - LOG_HEAD - LOG_TAIL;
  return [...lines.slice(0, LOG_HEAD), `… ${omitted} lines omitted …`, ...lines.slice(-LOG_TAIL)];
}

/** Columns a string takes: East Asian wide characters count twice (versions and details may be CJK). */
function width(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    n +=
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x20000 && cp <= 0x3fffd)
        ? 2
        : 1;
  }
  return n;
}

function pad(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - width(text)));
}
