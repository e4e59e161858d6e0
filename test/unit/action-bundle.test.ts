/**
 * The committed bundle, run the way the runner runs it (`node dist/index.js`, inputs in INPUT_* variables with
 * hyphens kept): bad input ends the run with a non-zero exit and a message naming the problem.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

function runAction(inputs: Record<string, string>) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return spawnSync(process.execPath, [bundle], { env, encoding: 'utf8', timeout: 30000 });
}

test('a malformed hosts input exits non-zero, naming the host, the key and the fix', () => {
  const run = runAction({ hosts: '- name: a\n  bogus: 1', 'ssh-password': 'pw-not-printed' });
  expect(run.status).not.toBe(0);
  expect(run.stdout).toContain("::error::Input 'hosts', host 'a': unknown key \"bogus\". Fix: remove it");
  expect(run.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('pw-not-printed');
  expect(run.stderr).toBe('');
});

test('a bad number exits non-zero naming the input and the accepted range', () => {
  const run = runAction({ hosts: '- host: 127.0.0.1', 'ssh-password': 'x', 'ssh-timeout': '0' });
  expect(run.status).not.toBe(0);
  expect(run.stdout).toContain(
    "::error::Input 'ssh-timeout': 0 is out of range. Fix: give a whole number between 1 and 600",
  );
});
