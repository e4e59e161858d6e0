/** The README's inputs/outputs tables are generated from action.yml; they must not drift apart. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/gen-readme-tables.mjs', import.meta.url));
const generate = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

test('README.md matches action.yml (run `npm run docs` after changing action.yml)', () => {
  const run = generate('--check');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

describe('the generator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'readme-tables-'));
  const readme = join(dir, 'README.md');
  const skeleton =
    '# Title\n\n<!-- inputs:start -->\nstale\n<!-- inputs:end -->\n\ntext kept\n\n<!-- outputs:start -->\n<!-- outputs:end -->\n';

  test('fills the tables between the markers, keeps the rest, and is then in check', () => {
    writeFileSync(readme, skeleton);
    expect(generate('--check', '--readme', readme).status).toBe(1);
    execFileSync(process.execPath, [script, '--readme', readme]);
    const text = readFileSync(readme, 'utf8');
    expect(text).toMatch(/^# Title\n\n<!-- inputs:start -->\n\*\*What to install\*\*\n/);
    expect(text).toContain('| `hosts` | **required** | YAML list of hosts');
    expect(text).toContain('| `log-error-patterns` | `\\[FATAL\\]`<br>`panic:` |');
    expect(text).toContain('<!-- inputs:end -->\n\ntext kept\n');
    expect(text).toContain('| `result` |');
    expect(text).not.toContain('stale');
    expect(generate('--check', '--readme', readme).status).toBe(0);
  });

  test('a changed description makes the check fail with the command to run', () => {
    const action = join(dir, 'action.yml');
    const original = readFileSync(fileURLToPath(new URL('../../action.yml', import.meta.url)), 'utf8');
    writeFileSync(action, original.replace('Slaves updated at the same time', 'Slaves updated together'));
    const run = generate('--check', '--readme', readme, '--action', action);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('run: npm run docs');
  });

  test('a README without the markers is an error, not silently skipped', () => {
    writeFileSync(readme, '# no markers\n');
    const run = generate('--readme', readme);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('README lacks the markers <!-- inputs:start -->');
  });
});
