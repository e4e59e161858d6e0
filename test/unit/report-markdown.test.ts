import { commentMarker, renderComment, renderSummary, SUMMARY_LIMIT_BYTES } from '../../src/report/markdown.js';
import { huge, hostile, planned, refused, rollbackFailed, rolledBack, updatedCluster } from './report-fixtures.js';

const RUN = 'https://github.com/acme/ops/actions/runs/42';
const ALLOWED_TAGS = /^<\/?(code|br|details|summary|sub)>$/;

/** Markdown outside fenced code blocks: the part GitHub interprets. */
function prose(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const m = /^(`{3,})/.exec(line);
    if (fence === undefined && m) fence = m[1];
    else if (fence !== undefined && line.trim() === fence) fence = undefined;
    else if (fence === undefined) out.push(line);
  }
  expect(fence).toBeUndefined(); // every code block is closed
  return out;
}

/** What a reader relies on: remote text never adds markup, links, mentions or table cells. */
function expectInert(markdown: string): void {
  const lines = prose(markdown);
  for (const line of lines) {
    for (const tag of line.match(/<[^>]*>/g) ?? []) expect(tag).toMatch(ALLOWED_TAGS);
    expect(line).not.toMatch(/@[A-Za-z0-9]/);
    expect(line).not.toMatch(/(^|[^&])#\d/);
    expect(line).not.toMatch(/`/);
    for (const link of line.match(/\]\([^)]*\)/g) ?? []) expect(link).toMatch(/^\]\(https:\/\//);
  }
  // Every row of a table has as many cells as its header.
  let columns = 0;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      columns = 0;
      continue;
    }
    const cells = line.split('|').length;
    if (columns === 0) columns = cells;
    expect(cells).toBe(columns);
  }
  const text = lines.join('\n');
  expect(text.split('<details>').length).toBe(text.split('</details>').length);
}

describe('job summary', () => {
  test.each([
    ['an updated cluster', updatedCluster],
    ['a rolled-back update with its log lines', rolledBack],
    ['a refused update', refused],
    ['a dry run', planned],
    ['a failed rollback', rollbackFailed],
    ['hostile remote text', hostile],
  ])('renders %s', (_name, report) => {
    const md = renderSummary(report);
    expectInert(md);
    expect(md).toMatchSnapshot();
  });

  test('the headline says the result and why', () => {
    const md = renderSummary(rolledBack);
    expect(md.split('\n')[0]).toBe('## ↩️ New API update to v0.10.3-crash rolled back');
    expect(md).toContain('master failed its checks after the update and was rolled back to v0.10.1');
  });

  test('a rolled-back host shows the version tried and the one serving again, the log lines and the rollback', () => {
    const md = renderSummary(rolledBack);
    expect(md).toContain('<code>v0.10.1</code> → <code>v0.10.3-crash</code> → <code>v0.10.1</code>');
    expect(md).toContain('```text\n[SYS] 2025/11/20 - 10:00:01 | database migration started\n[FATAL]');
    expect(md).toContain('- ✅ rollback: start v0.10.1 (4.3 s)');
    expect(md).toContain('Rolled back from v0.10.3-crash: the node serves v0.10.1 again.');
  });

  test('a failed rollback gives the exact recovery commands as a shell block', () => {
    const md = renderSummary(rollbackFailed);
    expect(md).toContain(
      "### 🚨 Manual recovery needed\n\nOn **master**, run:\n\n```sh\ndocker stop new-api\ncp '/var/backups/new-api/master-20251120T100000Z/one-api.db' /data/one-api.db\ndocker start new-api-previous\n```",
    );
  });

  test('release notes are collapsed, highlighted lines first', () => {
    const md = renderSummary(updatedCluster);
    const notes = md.slice(md.indexOf('<details><summary>Release notes'));
    expect(notes.indexOf('**Highlights**')).toBeLessThan(notes.indexOf('#### [v0.10.0]'));
    expect(notes).toContain('- <code>v0.10.0</code> Manual step: set SESSION&#95;SECRET on every node');
  });

  test('a dry run shows its plan open; a real run keeps it collapsed', () => {
    expect(renderSummary(planned)).toContain('### Plan\n\n1. lock master');
    expect(renderSummary(updatedCluster)).toContain('<details><summary>Plan (3 steps)</summary>');
  });

  test('backups list path, size and a short sha256', () => {
    expect(renderSummary(updatedCluster)).toContain(
      '| master | database | <code>/var/backups/new-api/master-20251020T020000Z/one-api.db</code> | 5.2 MiB | <code>9f86d081884c</code> |',
    );
  });

  test('hostile text is shown, not interpreted', () => {
    const md = renderSummary(hostile);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).toContain('@&#8203;org/team');
    expect(md).toContain('&#91;click&#93;(javascript:alert(1))');
    expect(md).not.toContain('[x](javascript');
    // A log line of three backticks cannot close the block it is in.
    expect(md).toContain('````text\n<script>alert(1)</script> red\n::set-output name=x::y\n    ```\n~~~\n````');
  });

  test('10,000 log lines and 20,000 lines of notes stay under the 1 MiB limit, notes cut first', () => {
    const md = renderSummary(huge);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expectInert(md);
    expect(md).toContain('*Release notes cut to fit the job summary. Read them on GitHub: v0.10.1*');
    expect(md).not.toContain('note 0 ');
    // The highlights survive, and the log keeps its first and last lines around a marker.
    expect(md).toContain('- <code>v0.10.1</code> &lt;script&gt;alert(1)&lt;/script&gt; migration');
    expect(md).toContain('line 0 [FATAL]');
    expect(md).toContain('line 9999 [FATAL]');
    expect(md).toMatch(/… \d+ of 10000 lines omitted to fit the job summary …/);
    expect(md).toContain('### Warnings');
  });

  test('a smaller budget cuts the notes before the logs', () => {
    const full = renderSummary(rolledBack);
    const withNotes = { ...rolledBack, releaseNotes: huge.releaseNotes };
    const md = renderSummary(withNotes, { maxBytes: Buffer.byteLength(full) + 2_000 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(Buffer.byteLength(full) + 2_000);
    expect(md).toContain('Release notes cut');
    expect(md).toContain('[FATAL] 2025/11/20 - 10:00:01');
  });

  test('thousands of hosts are cut between table rows with a note', () => {
    const many = {
      ...updatedCluster,
      hosts: Array.from({ length: 5_000 }, (_, i) => ({ ...updatedCluster.hosts[1]!, name: `slave-${i}` })),
    };
    const md = renderSummary(many, { maxBytes: 100_000 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(100_000);
    expect(md).toContain('| slave-0 |');
    expect(md.trimEnd().endsWith('the <code>report</code> output has all of it.*')).toBe(true);
    expectInert(md);
  });
});

describe('PR comment', () => {
  test.each([
    ['an updated cluster', updatedCluster],
    ['a rolled-back update', rolledBack],
    ['a refused update', refused],
    ['a dry run', planned],
    ['hostile remote text', hostile],
  ])('renders %s', (_name, report) => {
    const body = renderComment(report, RUN);
    expectInert(body.split('\n').slice(1).join('\n'));
    expect(body).toMatchSnapshot();
  });

  test('starts with the hidden marker of its environment and links to the run', () => {
    const body = renderComment(updatedCluster, RUN);
    expect(body.startsWith('<!-- new-api-update-action:production -->\n')).toBe(true);
    expect(body).toContain(`[View the run](${RUN})`);
    expect(renderComment(rolledBack, RUN).startsWith('<!-- new-api-update-action:default -->')).toBe(true);
  });

  test('the marker cannot be closed early by an environment name', () => {
    expect(commentMarker('prod --> <b>x</b>')).toBe('<!-- new-api-update-action:prod_--___b_x_/b_ -->');
    expect(commentMarker('  ')).toBe('<!-- new-api-update-action:default -->');
  });

  test('stays within GitHub comment size with many hosts', () => {
    const many = {
      ...updatedCluster,
      hosts: Array.from({ length: 500 }, (_, i) => ({ ...updatedCluster.hosts[1]!, name: `slave-${i}` })),
    };
    const body = renderComment(many, RUN);
    expect(body).toContain('…and 450 more hosts: see the run.');
    expect(body.length).toBeLessThan(65_536);
  });
});
