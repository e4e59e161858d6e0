import { hostSpec } from '../support/host.js';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  ComposeMethod,
  COMPOSE_V1,
  COMPOSE_V2,
  composeCommandLine,
  pickServiceContainer,
} from '../../src/methods/compose.js';
import { DockerMethod } from '../../src/methods/docker.js';
import { SourceMethod, buildScript, execStartPath, parseDotenv } from '../../src/methods/source.js';
import type { NodeState } from '../../src/methods/types.js';
import type { HostSpec } from '../../src/settings.js';

const tmp = mkdtempSync(join(tmpdir(), 'nau-source-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fake toolchain: each tool records its arguments and environment, `go` writes the -o file. */
function fakeTools(dir: string, tools: string[]): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const t of tools) {
    const body =
      t === 'go'
        ? `printf 'go %s\\n' "$*" >> "${dir}/calls"; while [ $# -gt 0 ]; do if [ "$1" = -o ]; then echo bin > "$2"; fi; shift; done`
        : `printf '%s %s (in %s, version %s)\\n' ${t} "$*" "$(basename "$PWD")" "\${VITE_REACT_APP_VERSION:-}" >> "${dir}/calls"`;
    writeFileSync(join(bin, t), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, t), 0o755);
  }
  return bin;
}

function build(layout: { goMod: string; web?: string; tools: string[]; custom?: string }): string {
  const dir = mkdtempSync(join(tmp, 'b-'));
  const wt = join(dir, 'wt');
  mkdirSync(wt);
  writeFileSync(join(wt, 'go.mod'), layout.goMod);
  if (layout.web) {
    mkdirSync(join(wt, layout.web), { recursive: true });
    writeFileSync(join(wt, layout.web, 'package.json'), '{}');
  }
  const bin = fakeTools(dir, layout.tools);
  execFileSync(
    'sh',
    ['-c', `set -eu\n${buildScript(join(dir, 'src'), wt, 'v0.9.2', join(wt, 'new-api'), layout.custom)}`],
    {
      env: { PATH: `${bin}:/usr/bin:/bin` },
    },
  );
  return readFileSync(join(dir, 'calls'), 'utf8');
}

describe('source build', () => {
  it('builds the web UI first (bun when present), then the binary with the version in the module’s common package', () => {
    const calls = build({
      goMod: 'module github.com/QuantumNous/new-api\n\ngo 1.22\n',
      web: 'web',
      tools: ['go', 'bun', 'npm'],
    });
    const lines = calls.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'bun install (in web, version v0.9.2)',
      'bun run build (in web, version v0.9.2)',
    ]);
    expect(lines[2]).toMatch(
      /^go build -ldflags -s -w -X 'github\.com\/QuantumNous\/new-api\/common\.Version=v0\.9\.2' -o \/.*\/wt\/new-api$/,
    );
    expect(lines).toHaveLength(3);
  });

  it('falls back to npm, finds web/default, and reads the old one-api module path', () => {
    const calls = build({ goMod: 'module one-api\n', web: 'web/default', tools: ['go', 'npm'] });
    expect(calls.split('\n')[0]).toBe('npm install --no-audit --no-fund (in default, version v0.9.2)');
    expect(calls.split('\n')[1]).toBe('npm run build (in default, version v0.9.2)');
    expect(calls).toContain(`go build -ldflags -s -w -X 'one-api/common.Version=v0.9.2' -o `);
  });

  it('the host’s build command replaces the default steps and must produce the binary', () => {
    expect(
      build({ goMod: 'module x\n', tools: ['make'], custom: 'make release; echo built > "$NEW_API_OUTPUT"' }),
    ).toBe('make release (in wt, version )\n');
    expect(() => build({ goMod: 'module x\n', tools: ['make'], custom: 'make release' })).toThrow();
  });

  it('refuses a tag that is not one', () => {
    expect(() => buildScript('/s', '/w', 'v1; rm -rf /', '/w/new-api')).toThrow(/not a release tag/);
  });
});

describe('source helpers', () => {
  it('parses .env like godotenv', () => {
    expect(
      parseDotenv('# c\nexport SQL_DSN="root:p#w@tcp(db)/x"\nSESSION_SECRET=abc # note\nQ=\'lit $x\'\nBAD LINE\n'),
    ).toEqual({
      SQL_DSN: 'root:p#w@tcp(db)/x',
      SESSION_SECRET: 'abc',
      Q: 'lit $x',
    });
  });
  it('reads the binary from systemd’s ExecStart', () => {
    expect(
      execStartPath('{ path=/opt/new-api/new-api ; argv[]=/opt/new-api/new-api --port 3000 ; ignore_errors=no }'),
    ).toBe('/opt/new-api/new-api');
  });
});

const host = (over: Partial<HostSpec>): HostSpec => hostSpec({ name: 'n', host: 'h', ...over });

describe('compose command lines', () => {
  it('v2 plugin and v1 binary, same project and files', () => {
    const s = { composeProject: 'newapi', composeFiles: ['/opt/n/docker-compose.yml', '/opt/n/override.yml'] };
    expect(
      composeCommandLine({ ...s, composeCommand: COMPOSE_V2 }, '/opt/n', ['up', '-d', '--no-deps', 'new-api']),
    ).toBe(
      'cd /opt/n && docker compose -p newapi -f /opt/n/docker-compose.yml -f /opt/n/override.yml up -d --no-deps new-api',
    );
    expect(composeCommandLine({ ...s, composeCommand: COMPOSE_V1 }, '/opt/n', ['config', '-q'])).toBe(
      'cd /opt/n && docker-compose -p newapi -f /opt/n/docker-compose.yml -f /opt/n/override.yml config -q',
    );
  });

  it('picks the service container of this project directory only', () => {
    const rows = [
      'aaa|/srv/other|other|/srv/other/docker-compose.yml',
      'bbb|/opt/n/|n|docker-compose.yml,override.yml',
    ];
    expect(pickServiceContainer(rows, '/opt/n', 'new-api')).toEqual({
      id: 'bbb',
      workingDir: '/opt/n/',
      project: 'n',
      configFiles: ['/opt/n/docker-compose.yml', '/opt/n/override.yml'],
    });
    expect(() => pickServiceContainer(rows, '/opt/x', 'new-api')).toThrow(/no container of service/);
    expect(() => pickServiceContainer([...rows, 'ccc|/opt/n|n|'], '/opt/n', 'new-api')).toThrow(/scaled/);
  });
});

describe('swap scripts are POSIX sh', () => {
  const base: NodeState = {
    host: host({}),
    method: 'docker',
    env: { SHUTDOWN_TIMEOUT_SECONDS: '30' },
    database: 'sqlite',
    secrets: [],
    leftovers: [],
    image: { ref: 'reg:5000/calciumion/new-api:v0.9.1', id: 'sha256:' + 'a'.repeat(64) },
    imageConfig: { Env: ['PATH=/bin'], Entrypoint: ['/one-api'] },
    containerName: 'new-api',
    containerId: 'c'.repeat(64),
    deployedVersion: 'v0.9.1',
    inspectJson: JSON.stringify([
      {
        Id: 'c'.repeat(64),
        Name: '/new-api',
        Image: 'sha256:' + 'a'.repeat(64),
        Config: { Image: 'reg:5000/calciumion/new-api:v0.9.1', Env: ['PATH=/bin', 'TZ=UTC'], Entrypoint: ['/one-api'] },
        HostConfig: { RestartPolicy: { Name: 'always' } },
      },
    ]),
    backupWhileStopped: 'cp /srv/d/one-api.db /b/',
  };
  const target = { tag: 'v0.9.2', imageRef: 'reg:5000/calciumion/new-api:v0.9.2' };
  const checkSyntax = (body: string): void => {
    execFileSync('dash', ['-n', '-c', `set -eu\n${body}`]);
  };

  it('docker: stop timeout from SHUTDOWN_TIMEOUT_SECONDS, restart policy saved, backup between stop and start', () => {
    const s = new DockerMethod(host({})).swap(base, target);
    for (const b of [s.apply, s.revert, s.finalize]) checkSyntax(b);
    expect(s.apply).toContain('docker stop -t 40 ');
    expect(s.apply.indexOf('docker update --restart=no')).toBeLessThan(s.apply.indexOf('docker stop'));
    expect(s.apply.indexOf('cp /srv/d/one-api.db')).toBeGreaterThan(s.apply.indexOf('docker stop'));
    expect(s.apply.indexOf('cp /srv/d/one-api.db')).toBeLessThan(s.apply.indexOf('docker start'));
    expect(s.revert).toContain('--restart=always');
    expect(s.apply).not.toContain('TZ=UTC');
  });

  it('compose and source scripts parse', () => {
    const cstate: NodeState = {
      ...base,
      method: 'compose',
      composeCommand: COMPOSE_V1,
      composeProject: 'n',
      composeFiles: ['/opt/n/docker-compose.yml'],
      composeFile: '/opt/n/docker-compose.yml',
      composeFileText: 'services:\n  new-api:\n    image: reg:5000/calciumion/new-api:v0.9.1\n',
      composeFileSha256: 'b'.repeat(64),
    };
    const c = new ComposeMethod(host({ method: 'compose', projectDir: '/opt/n' })).swap(cstate, target);
    for (const b of [c.apply, c.revert, c.finalize]) checkSyntax(b);
    expect(c.apply).toContain(
      'docker-compose -p n -f /opt/n/docker-compose.yml up -d --no-deps --force-recreate --no-build -t 40 new-api',
    );
    const sstate: NodeState = {
      ...base,
      method: 'source',
      sourceCommit: 'f'.repeat(40),
      sourceBranch: 'main',
      binaryPath: '/opt/new-api/new-api',
    };
    const s = new SourceMethod(host({ method: 'source', sourceDir: '/opt/new-api', restart: '/opt/svc/restart' })).swap(
      sstate,
      target,
    );
    for (const b of [s.apply, s.revert, s.finalize]) checkSyntax(b);
    expect(s.apply.trim().split('\n').pop()).toBe('/opt/svc/restart');
    expect(s.revert).toContain('checkout --quiet main');
  });
});
