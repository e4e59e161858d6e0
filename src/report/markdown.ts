/**
 * The report as GitHub-flavoured Markdown: the job summary and the sticky PR comment.
 * Pure: no I/O. All text that did not come from this module goes through `escape.ts`.
 */
import type { CheckResult } from '../checks/types.js';
import { clip, md, mdCode, mdCodeBlock, mdLink } from './escape.js';
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
} from './format.js';
import type { HostReport, ReleaseNote, RunReport } from './types.js';

/** GitHub's limit for one step's job summary. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** What `renderSummary` aims for by default: under the limit, with room for a line or two from others. */
export const SUMMARY_BUDGET_BYTES = 1_000_000;
/** GitHub rejects issue comments longer than this (characters). */
export const COMMENT_LIMIT_CHARS = 65_536;

// One field must never crowd out the rest of the report.
const FIELD_MAX = 2_000;
const LINE_MAX = 1_000;
const COMMENT_HOST_ROWS = 50;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export interface SummaryOptions {
  /** Size the summary must fit in (UTF-8 bytes). Default SUMMARY_BUDGET_BYTES. */
  maxBytes?: number;
}

/**
 * The summary is built once as a list of Markdown blocks (joined by blank lines). Blocks whose size
 * depends on the room left, log-like code blocks and the release notes, are slots filled per budget;
 * any block boundary is a safe place to cut.
 */
type Block = string | { log: readonly string[] } | { notes: readonly ReleaseNote[] };

/** Extra bytes granted to the release notes and to the log-like blocks on top of their shortest form. */
interface Budget {
  notes: number;
  logs: number;
}

/**
 * The job summary. When it would exceed the size limit, release notes are shortened first, then log
 * lines (the first lines and the last ones are kept), each with a note saying so.
 */
export function renderSummary(report: RunReport, options: SummaryOptions = {}): string {
  const max = options.maxBytes ?? SUMMARY_BUDGET_BYTES;
  const blocks = summaryBlocks(report);
  const render = (budget: Budget): string[] => fillBlocks(blocks, budget);
  const size = (filled: readonly string[]): number => filled.reduce((n, b) => n + bytes(b) + 2, 0);
  const full = render({ notes: Infinity, logs: Infinity });
  if (size(full) <= max) return joinBlocks(full);
  const withoutNotes = size(render({ notes: 0, logs: Infinity }));
  if (withoutNotes <= max) return joinBlocks(render({ notes: max - withoutNotes, logs: Infinity }));
  const bare = render({ notes: 0, logs: 0 });
  if (size(bare) <= max) return joinBlocks(render({ notes: 0, logs: max - size(bare) }));
  return cutBlocks(bare, max);
}

function joinBlocks(blocks: readonly string[]): string {
  return `${blocks.join('\n\n')}\n`;
}

function summaryBlocks(report: RunReport): Block[] {
  return [
    headline(report),
    ...listSection('Errors', report.errors),
    planSection(report),
    hostTable(report, report.hosts),
    ...checksSection(report),
    ...troubleSection(report),
    ...recoverySection(report),
    backupsSection(report),
    report.releaseNotes.length > 0 ? { notes: report.releaseNotes } : '',
    ...listSection('Warnings', report.warnings),
  ].filter((b) => b !== '');
}

function fillBlocks(blocks: readonly Block[], budget: Budget): string[] {
  const logs = blocks.flatMap((b) => (typeof b === 'object' && 'log' in b ? [b.log] : []));
  const grants = allocate(
    logs.map((lines) => lines.reduce((n, l) => n + bytes(clip(l, LINE_MAX)) + 1, 0)),
    budget.logs,
  );
  let next = 0;
  return blocks.map((b) => {
    if (typeof b === 'string') return b;
    if ('notes' in b) return notesSection(b.notes, budget.notes);
    return mdCodeBlock(fitLog(b.log, grants[next++] ?? 0));
  });
}

/** The sticky PR comment: marker, headline, per-host table, what failed, and a link to the run. */
export function renderComment(report: RunReport, runUrl?: string): string {
  const url = runUrl ?? report.runUrl;
  const shown = report.hosts.slice(0, COMMENT_HOST_ROWS);
  const hidden = report.hosts.length - shown.length;
  const failures = report.hosts
    .filter((h) => isTroubled(h) && h.error)
    .slice(0, 10)
    .map((h) => `- ${outcomeLook(h.outcome).emoji} **${md(h.name)}**: ${md(clip(firstLine(h.error ?? ''), 300))}`);
  const errors = report.errors.slice(0, 5).map((e) => `- ${md(clip(firstLine(e), 300))}`);
  const parts = [
    commentMarker(report.environment),
    `### ${resultLook(report.result).emoji} ${md(resultTitle(report))}`,
    md(clip(report.message, FIELD_MAX)),
    report.hosts.length > 0 ? hostTable(report, shown) : '',
    hidden > 0 ? `…and ${hidden} more hosts: see the run.` : '',
    [...errors, ...failures].join('\n'),
    [url ? mdLink('View the run', url) : '', metaLine(report)].filter(Boolean).join(' · '),
  ];
  const body = parts.filter((p) => p !== '').join('\n\n');
  return body.length <= COMMENT_LIMIT_CHARS
    ? body
    : `${body.slice(0, COMMENT_LIMIT_CHARS - 40)}\n\n…(cut to fit a comment)`;
}

/**
 * The hidden first line that identifies this action's comment on a PR, one per environment, so a staging
 * and a production workflow keep separate comments.
 */
export function commentMarker(environment?: string): string {
  const name = (environment ?? '').trim().replace(/[^A-Za-z0-9._/-]/g, '_') || 'default';
  return `<!-- new-api-update-action:${name} -->`;
}

function headline(report: RunReport): string {
  return [
    `## ${resultLook(report.result).emoji} ${md(resultTitle(report))}`,
    md(clip(report.message, FIELD_MAX)),
    metaLine(report),
  ]
    .filter((l) => l !== '')
    .join('\n\n');
}

function metaLine(report: RunReport): string {
  const facts = [
    report.dryRun ? '**dry run**' : '',
    report.environment ? `environment ${mdCode(report.environment)}` : '',
    `${report.hosts.length} host${report.hosts.length === 1 ? '' : 's'}`,
    report.durationMs !== undefined ? `took ${formatDuration(report.durationMs)}` : '',
    report.startedAt ? `started ${md(report.startedAt)}` : '',
  ];
  return `<sub>${facts.filter(Boolean).join(' · ')}</sub>`;
}

function listSection(title: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  return [`### ${title}`, items.map((i) => `- ${md(clip(i, FIELD_MAX))}`).join('\n')];
}

function planSection(report: RunReport): string {
  if (report.plan.length === 0) return '';
  const list = report.plan.map((step, i) => `${i + 1}. ${md(clip(step, FIELD_MAX))}`).join('\n');
  // A dry run's plan is the point of the run; after a real run it is background.
  if (report.result === 'planned') return `### Plan\n\n${list}`;
  return `<details><summary>Plan (${report.plan.length} steps)</summary>\n\n${list}\n\n</details>`;
}

function hostTable(report: RunReport, hosts: readonly HostReport[]): string {
  if (hosts.length === 0) return '';
  const rows = hosts.map((h) => {
    const version = versionPath(h, report.version)
      .map((v) => mdCode(v))
      .join(' → ');
    const look = outcomeLook(h.outcome);
    const took = h.outcome === 'planned' || h.outcome === 'not-started' ? '—' : formatDuration(h.durationMs);
    return `| ${md(h.name)} | ${md(h.role)} | ${md(h.method)} | ${version} | ${took} | ${formatDuration(h.downtimeMs)} | ${look.emoji} ${look.label} |`;
  });
  return [
    '| Host | Role | Method | Version | Duration | Downtime | Outcome |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/**
 * Shares `total` bytes among blocks: small blocks get what they need, the rest is split evenly among
 * the big ones (so one 10,000-line log cannot starve another host's three lines).
 */
function allocate(sizes: number[], total: number): number[] {
  const order = sizes.map((_, i) => i).sort((a, b) => (sizes[a] ?? 0) - (sizes[b] ?? 0));
  const out = new Array<number>(sizes.length).fill(0);
  let left = total;
  order.forEach((idx, k) => {
    const share = left / (order.length - k);
    const grant = Math.min(sizes[idx] ?? 0, share);
    out[idx] = grant;
    left -= grant;
  });
  return out;
}

/** Keeps the first lines and as many of the last as fit in `allowance` bytes, with a marker between. */
function fitLog(lines: readonly string[], allowance: number): string[] {
  const clipped = lines.map((l) => clip(l, LINE_MAX));
  const cost = (l: string): number => bytes(l) + 1;
  if (clipped.reduce((n, l) => n + cost(l), 0) <= allowance) return clipped;
  const head: string[] = [];
  const tail: string[] = [];
  let left = allowance;
  // A quarter of the room for the start (what led up to it), the rest for the end (where it failed).
  for (const l of clipped) {
    if (cost(l) > left - (allowance * 3) / 4) break;
    head.push(l);
    left -= cost(l);
  }
  for (let i = clipped.length - 1; i >= head.length; i--) {
    const l = clipped[i] ?? '';
    if (cost(l) > left) break;
    tail.unshift(l);
    left -= cost(l);
  }
  const omitted = clipped.length - head.length - tail.length;
  return [...head, `… ${omitted} of ${clipped.length} lines omitted to fit the job summary …`, ...tail];
}

function checksSection(report: RunReport): Block[] {
  const hosts = report.hosts.filter((h) => h.checks.length > 0);
  if (hosts.length === 0) return [];
  const blocks: Block[] = ['### Checks'];
  for (const h of hosts) {
    blocks.push(`#### ${md(h.name)}`);
    blocks.push(['| | Check | Detail |', '|---|---|---|', ...h.checks.map((c) => checkRow(c))].join('\n'));
    for (const c of h.checks) {
      if (c.status !== 'fail' || !c.evidence?.length) continue;
      blocks.push(`${md(c.name)} evidence:`, { log: c.evidence });
    }
  }
  return blocks;
}

function checkRow(c: CheckResult): string {
  return `| ${checkLook(c.status).emoji} | ${md(c.name)} | ${md(clip(c.detail, FIELD_MAX))} |`;
}

function troubleSection(report: RunReport): Block[] {
  const hosts = report.hosts.filter(isTroubled);
  if (hosts.length === 0) return [];
  const blocks: Block[] = ['### What went wrong'];
  for (const h of hosts) {
    const look = outcomeLook(h.outcome);
    blocks.push(`#### ${look.emoji} ${md(h.name)}: ${look.label}`);
    const said = [h.error ? md(clip(h.error, FIELD_MAX)) : '', md(rollbackSentence(h, report.version) ?? '')];
    if (said.some(Boolean)) blocks.push(said.filter(Boolean).join('<br>'));
    if (h.logExcerpt?.length) blocks.push('Log lines:', { log: h.logExcerpt });
    if (h.steps.length > 0) {
      blocks.push(
        h.steps
          .map((s) => {
            const detail = s.detail ? `: ${md(clip(firstLine(s.detail), 300))}` : '';
            return `- ${s.ok ? '✅' : '❌'} ${md(s.label)} (${formatDuration(s.durationMs)})${detail}`;
          })
          .join('\n'),
      );
    }
  }
  return blocks;
}

function recoverySection(report: RunReport): string[] {
  const hosts = report.hosts.filter((h) => h.manualRecovery?.length);
  if (hosts.length === 0) return [];
  const blocks = ['### 🚨 Manual recovery needed'];
  for (const h of hosts) blocks.push(`On **${md(h.name)}**, run:`, mdCodeBlock(h.manualRecovery ?? [], 'sh'));
  return blocks;
}

function backupsSection(report: RunReport): string {
  if (report.backups.length === 0) return '';
  const rows = report.backups.map(
    (b) =>
      `| ${md(b.host)} | ${md(b.kind)} | ${mdCode(b.path)} | ${formatBytes(b.bytes)} | ${mdCode(shortSha(b.sha256))} |`,
  );
  return ['### Backups', ['| Host | Kind | Path | Size | SHA-256 |', '|---|---|---|---|---|', ...rows].join('\n')].join(
    '\n\n',
  );
}

function notesSection(notes: readonly ReleaseNote[], allowance: number): string {
  if (notes.length === 0) return '';
  // Highlights (breaking changes, migrations, manual steps) are never cut; the full texts are.
  const highlights = notes.flatMap((n) => n.highlights.map((line) => `- ${mdCode(n.tag)} ${md(clip(line, LINE_MAX))}`));
  const lines: string[] = [];
  for (const n of notes) {
    const title = n.name && n.name !== n.tag ? `${n.tag}: ${n.name}` : n.tag;
    lines.push(`#### ${mdLink(title, n.url)}${n.prerelease ? ' (prerelease)' : ''}`, '', ...noteBody(n.body), '');
  }
  const count = `${notes.length} release${notes.length === 1 ? '' : 's'}`;
  const lit =
    highlights.length > 0 ? `, ${highlights.length} highlighted line${highlights.length === 1 ? '' : 's'}` : '';
  const kept = fitLines(lines, allowance);
  const links = notes
    .slice(0, 20)
    .map((n) => mdLink(n.tag, n.url))
    .join(', ');
  return [
    `<details><summary>Release notes (${count}${lit})</summary>`,
    '',
    ...(highlights.length > 0 ? ['**Highlights**', '', ...highlights, ''] : []),
    ...kept,
    ...(kept.length < lines.length
      ? [
          `*Release notes cut to fit the job summary. Read them on GitHub: ${links}${notes.length > 20 ? ', …' : ''}*`,
          '',
        ]
      : []),
    '</details>',
  ].join('\n');
}

/**
 * Release notes are upstream Markdown, shown through a safe subset: headings, bullets and paragraphs
 * keep their shape, every character of content is escaped (no HTML, links, images or mentions).
 */
function noteBody(body: string): string[] {
  return body.split(/\r?\n/).map((raw) => {
    const line = raw.trimEnd();
    const heading = /^\s*#{1,6}\s+(.*)$/.exec(line);
    if (heading) return `**${md(clip(heading[1] ?? '', LINE_MAX))}**`;
    const ordered = /^\s*(\d{1,9})[.)]\s+(.*)$/.exec(line);
    if (ordered) return `${ordered[1] ?? '1'}. ${md(clip(ordered[2] ?? '', LINE_MAX))}`;
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet)
      return `${'  '.repeat(Math.min(3, Math.floor((bullet[1] ?? '').length / 2)))}- ${md(clip(bullet[2] ?? '', LINE_MAX))}`;
    return md(clip(line.trim(), LINE_MAX));
  });
}

function fitLines(lines: readonly string[], allowance: number): string[] {
  const kept: string[] = [];
  let left = allowance;
  for (const l of lines) {
    left -= bytes(l) + 1;
    if (left < 0) break;
    kept.push(l);
  }
  return kept;
}

/** Last resort when even the bare report is too big (thousands of hosts): whole blocks until full. */
function cutBlocks(blocks: readonly string[], max: number): string {
  const note =
    '*The rest of this report was cut to fit the job summary; the <code>report</code> output has all of it.*';
  const room = max - bytes(note) - 3;
  const kept: string[] = [];
  let used = 0;
  for (const b of blocks) {
    if (used + bytes(b) + 2 > room) {
      // A table or list stays valid when cut between lines; anything else is dropped whole.
      if (!b.includes('```') && !b.includes('<details>')) {
        const lines: string[] = [];
        for (const line of b.split('\n')) {
          used += bytes(line) + 1;
          if (used > room) break;
          lines.push(line);
        }
        if (lines.length > 0) kept.push(lines.join('\n'));
      }
      break;
    }
    kept.push(b);
    used += bytes(b) + 2;
  }
  return joinBlocks([...kept, note]);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
