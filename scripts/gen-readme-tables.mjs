#!/usr/bin/env node
// Writes the inputs and outputs tables of README.md from action.yml, between the markers
// <!-- inputs:start -->/<!-- inputs:end --> and <!-- outputs:start -->/<!-- outputs:end -->.
// Section titles come from the `# Title` comments above groups of inputs in action.yml.
// Usage: node scripts/gen-readme-tables.mjs [--check] [--action action.yml] [--readme README.md]
//   --check  exit 1 (and write nothing) when README.md is not what this script would write.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, parseDocument } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const args = { check: false, action: resolve(root, 'action.yml'), readme: resolve(root, 'README.md') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') args.check = true;
    else if (argv[i] === '--action') args.action = resolve(argv[++i]);
    else if (argv[i] === '--readme') args.readme = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

/** Text safe inside a Markdown table cell. */
function cell(text) {
  return String(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** A default as inline code, one line each (a backtick-free value needs no escaping inside code spans). */
function code(value) {
  return String(value)
    .split('\n')
    .map((line) => `\`${line.replace(/\|/g, '\\|')}\``)
    .join('<br>');
}

function sectionTitle(comment) {
  return comment
    ?.split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
}

export function renderTables(actionText) {
  const doc = parseDocument(actionText);
  if (doc.errors.length > 0) throw new Error(`action.yml: ${doc.errors[0].message}`);
  const inputs = doc.get('inputs', true);
  const outputs = doc.get('outputs', true);
  if (!isMap(inputs) || !isMap(outputs)) throw new Error('action.yml has no inputs or outputs mapping');

  const lines = [];
  let open = false;
  inputs.items.forEach((pair, index) => {
    const title = sectionTitle(pair.key.commentBefore ?? (index === 0 ? inputs.commentBefore : undefined));
    if (title || !open) {
      if (open) lines.push('');
      if (title) lines.push(`**${title}**`, '');
      lines.push('| Input | Default | Description |', '|---|---|---|');
      open = true;
    }
    const spec = pair.value.toJSON();
    const fallback = spec.required ? '**required**' : '';
    const value = spec.default === undefined || spec.default === '' ? fallback : code(spec.default);
    lines.push(`| \`${pair.key.value}\` | ${value} | ${cell(spec.description ?? '')} |`);
  });
  const inputTable = lines.join('\n');

  const outputTable = [
    '| Output | Description |',
    '|---|---|',
    ...outputs.items.map((pair) => `| \`${pair.key.value}\` | ${cell(pair.value.toJSON().description ?? '')} |`),
  ].join('\n');
  return { inputs: inputTable, outputs: outputTable };
}

export function updateReadme(readme, tables) {
  let text = readme;
  for (const [name, table] of Object.entries(tables)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README lacks the markers ${start} … ${end}`);
    text = `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`;
  }
  return text;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const readme = readFileSync(args.readme, 'utf8');
  const updated = updateReadme(readme, renderTables(readFileSync(args.action, 'utf8')));
  if (args.check) {
    if (updated !== readme) {
      console.error(`${args.readme}: the inputs/outputs tables differ from action.yml; run: npm run docs`);
      process.exit(1);
    }
    console.log(`${args.readme}: inputs/outputs tables match action.yml`);
  } else if (updated !== readme) {
    writeFileSync(args.readme, updated);
    console.log(`${args.readme}: tables updated`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`gen-readme-tables: ${error.message}`);
    process.exit(1);
  }
}
