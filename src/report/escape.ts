/**
 * The one place where text from hosts, upstream release notes and users is made safe for display.
 * Every renderer (job summary, PR comment, terminal, annotations) goes through these functions, so a
 * `<script>`, a `|` in a table cell, an `@org/team` or a `](javascript:…)` in a log line is shown as
 * text and never changes the structure around it.
 */

// CSI (`ESC [ … final`) and OSC (`ESC ] … BEL|ESC \`) sequences: colours, cursor moves, hyperlinks, titles.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;
// C0/C1 controls except tab and newline, DEL, and the bidi overrides/isolates behind "Trojan Source"
// tricks (text that displays in a different order than it reads).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Removes terminal escape sequences and control characters; keeps tabs and newlines (CR/CRLF → LF). */
export function stripControl(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** Shortens `text` to at most `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

const MD_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '|': '&#124;',
  '\\': '&#92;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  $: '&#36;',
};

/**
 * Inline Markdown text, safe in paragraphs, list items, table cells and HTML blocks (`<summary>`).
 * Markup characters become numeric entities rather than backslash escapes because backslashes are
 * shown literally inside HTML blocks. Mentions (`@user`, `@org/team`) and issue references (`#12`)
 * get a zero-width space: GitHub resolves them on the rendered text, where entities are already decoded.
 * Newlines become `<br>` so one value never breaks a table row or list item.
 */
export function md(text: string): string {
  // Most values (names, versions, durations) contain nothing to escape.
  if (/^[A-Za-z][A-Za-z0-9 ,.:/=+-]*$/.test(text)) return text;
  return (
    stripControl(text)
      .replace(/[&<>"'`|\\*_~[\]$]/g, (c) => MD_ENTITIES[c] ?? c)
      .replace(/@(?=[A-Za-z0-9])/g, '@&#8203;')
      .replace(/(?<!&)#(?=\d)/g, '#&#8203;')
      // Block syntax only counts at the start of a line: indentation (code block), `#` (heading),
      // `-`/`+`/`=` (list, setext underline), `1.` (ordered list).
      .replace(/^[ \t]+/, (ws) => '&#32;'.repeat(ws.length))
      .replace(/^[#+=-]/, (c) => `&#${c.charCodeAt(0)};`)
      .replace(/^(\d+)([.)])/, (_m, n: string, p: string) => `${n}&#${p.charCodeAt(0)};`)
      .replace(/\n/g, '<br>')
  );
}

/** A value shown as code (versions, paths, hashes) in any Markdown context, table cells included. */
export function mdCode(text: string): string {
  return `<code>${md(text)}</code>`;
}

/**
 * A fenced code block. The fence is longer than any backtick run inside, so no line can close it early;
 * inside a fence GitHub neither renders HTML nor resolves mentions.
 */
export function mdCodeBlock(lines: readonly string[], lang = 'text'): string {
  const body = lines.map((l) => stripControl(l).replace(/\n/g, ' '));
  const longest = Math.max(0, ...body.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${lang}`, ...body, fence].join('\n');
}

/**
 * A link whose target came from outside (release URLs). Only plain http(s) URLs become links; anything
 * else (`javascript:`, spaces, quotes) is shown as text.
 */
export function mdLink(text: string, url: string | undefined): string {
  if (!url || !/^https?:\/\/[^\s<>"'`\\]+$/.test(url)) return md(text);
  const target = url.replace(/\(/g, '%28').replace(/\)/g, '%29');
  return `[${md(text)}](${target})`;
}

/**
 * One line of plain text for a terminal or the Actions log: control characters removed, newlines
 * flattened, and workflow-command syntax (`::set-output`, `##vso[`) defused so a remote line printed
 * into the log can never be executed by the runner.
 */
export function plainLine(text: string): string {
  return defuseCommands(stripControl(text).replace(/[\n\t]+/g, ' '));
}

/** Several lines of plain text (log excerpts, release notes), each treated like `plainLine`. */
export function plainLines(text: string | readonly string[]): string[] {
  const lines =
    typeof text === 'string' ? stripControl(text).split('\n') : text.flatMap((l) => stripControl(l).split('\n'));
  return lines.map((l) => defuseCommands(l.replace(/\t/g, '  ')));
}

function defuseCommands(line: string): string {
  // The runner parses `::command::` after trimming leading whitespace, and the legacy `##vso[` anywhere.
  return line.replace(/^(\s*):(?=:)/, '$1: ').replace(/##vso\[/gi, '##vso [');
}
