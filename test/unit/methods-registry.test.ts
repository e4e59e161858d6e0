/**
 * Private registry pulls: the password reaches `docker login` on stdin only, and the host is logged out
 * again whether or not the pull worked. Run with /bin/sh against a recording stand-in for `docker`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryPullCommands } from '../../src/methods/container.js';

function runWithFakeDocker(pullExit: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  const log = join(dir, 'calls');
  writeFileSync(
    join(dir, 'docker'),
    `#!/bin/sh\nprintf '%s|' "$@" >> ${log}; if [ "$1" = login ]; then printf ' stdin=%s' "$(cat)" >> ${log}; fi; echo >> ${log}\n[ "$1" = pull ] && exit ${pullExit}\nexit 0\n`,
  );
  chmodSync(join(dir, 'docker'), 0o755);
  const [cmd] = registryPullCommands('registry.example:5000/team/new-api:v1', 'robot', 's3cr$t pass');
  const r = spawnSync('sh', ['-c', cmd.script!], { input: cmd.stdin, env: { PATH: `${dir}:/usr/bin:/bin` } });
  return { cmd, code: r.status, calls: readFileSync(log, 'utf8').trim().split('\n') };
}

describe('registryPullCommands', () => {
  it('logs in with the password on stdin, pulls, and logs out', () => {
    const { cmd, code, calls } = runWithFakeDocker(0);
    expect(code).toBe(0);
    expect(cmd.script).not.toContain('s3cr$t');
    expect(calls).toEqual([
      'login|--username|robot|--password-stdin|registry.example:5000| stdin=s3cr$t pass',
      'pull|registry.example:5000/team/new-api:v1|',
      'logout|registry.example:5000|',
    ]);
  });

  it('logs out even when the pull fails, and reports the pull failure', () => {
    const { code, calls } = runWithFakeDocker(3);
    expect(code).toBe(3);
    expect(calls.at(-1)).toBe('logout|registry.example:5000|');
  });

  it('without credentials it is a plain pull', () => {
    expect(registryPullCommands('img:v1')).toEqual([expect.objectContaining({ argv: ['docker', 'pull', 'img:v1'] })]);
  });
});
