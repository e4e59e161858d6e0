/**
 * The compose method on the real test bed with docker-compose v1 (Debian's): only the New API service
 * is recreated (Redis keeps running), only its image line changes, the rollback restores the file byte
 * for byte and the exact old image without a pull; the data survives.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { backupPorts } from '../../src/methods/backup-runner.js';
import { COMPOSE_COPY_SUFFIX, COMPOSE_V1, ComposeMethod } from '../../src/methods/compose.js';
import type { NodeState, UpdateTarget } from '../../src/methods/types.js';
import { instanceDir } from '../../src/rollout/hoststep.js';
import type { HostSpec } from '../../src/settings.js';
import type { SshExecutor } from '../../src/ssh/connection.js';
import {
  backupSettings,
  bedConnect,
  bedHost,
  bedState,
  inspectOf,
  runAll,
  runBody,
  sh,
  waitVersion,
  type BedState,
} from './support/methods-bed.js';

jest.setTimeout(240_000);

const PROJECT = 'nau-mt-compose';
const DIR = `/opt/${PROJECT}`;
const FILE = `${DIR}/docker-compose.yml`;
const PORT = 3142;

let bed: BedState;
let host: HostSpec;
let exec: SshExecutor;
let method: ComposeMethod;

const target = (tag: string): UpdateTarget => ({ tag, imageRef: `${bed.image}:${tag}` });

const composeFile = (tag: string): string => `# New API, shaped like upstream's docker-compose.yml
version: '3.4'

services:
  new-api:
    image: "${bed.image}:${tag}"   # pinned by hand
    container_name: ${PROJECT}
    restart: always
    command: --log-dir /app/logs
    ports:
      - "127.0.0.1:${PORT}:3000"
    volumes:
      - ./data:/data
      - ./logs:/app/logs
    environment:
      - TZ=Asia/Shanghai
      - SESSION_SECRET=compose-session-secret-42
    depends_on:
      - redis

  redis:
    image: ${bed.registry}/library/redis:7-stub
    restart: always
`;

async function cleanup(): Promise<void> {
  await sh(
    exec,
    `if [ -f ${FILE} ]; then cd ${DIR} && docker-compose down -t 1 >/dev/null 2>&1 || true; fi; docker rm -f ${PROJECT} >/dev/null 2>&1 || true; rm -rf ${DIR} /var/backups/${PROJECT} ${instanceDir(host)}`,
  );
}

async function upOld(tag: string): Promise<void> {
  await cleanup();
  await exec.run({ label: 'write compose file', script: `mkdir -p ${DIR} && cat > ${FILE}`, stdin: composeFile(tag) });
  await sh(exec, `cd ${DIR} && docker-compose up -d >/dev/null 2>&1`);
  await waitVersion(exec, PORT, tag);
  await sh(
    exec,
    `sqlite3 ${DIR}/data/one-api.db '.timeout 5000' "create table if not exists nau_marker(v text); insert into nau_marker values ('before-${tag}');"`,
  );
}

const containerId = async (name: string): Promise<string> =>
  (await sh(exec, `docker container inspect -f '{{.Id}}' ${name}`)).trim();
const redisId = async (): Promise<string> =>
  (
    await sh(
      exec,
      `docker ps -q --no-trunc --filter label=com.docker.compose.project=${PROJECT} --filter label=com.docker.compose.service=redis`,
    )
  ).trim();

beforeAll(async () => {
  bed = bedState();
  host = bedHost(bed, 'slave-1', {
    method: 'compose',
    projectDir: DIR,
    service: 'new-api',
    url: `http://127.0.0.1:${PORT}`,
  });
  exec = await bedConnect(bed, host);
  method = new ComposeMethod(host);
});

afterAll(async () => {
  if (exec) {
    await cleanup();
    await exec.close();
  }
});

describe('compose (docker-compose v1): v0.9.1 → v0.9.2 and back', () => {
  let state: NodeState;
  let redis: string;
  let oldFile: string;

  it('inspects: v1 command, project, files from the labels, the image line, sqlite on the host', async () => {
    await upOld('v0.9.1');
    redis = await redisId();
    oldFile = await sh(exec, `cat ${FILE}`);
    state = await method.inspect(exec);
    expect(state.composeCommand).toEqual(COMPOSE_V1);
    expect(state.composeProject).toBe(PROJECT);
    expect(state.composeFiles).toEqual([FILE]);
    expect(state.composeFile).toBe(FILE);
    expect(state.deployedVersion).toBe('v0.9.1');
    expect(state.sqliteHostPath).toBe(`${DIR}/data/one-api.db`);
    expect(state.secrets).toContain('compose-session-secret-42');
  });

  it('preflight and prepare run while the old version serves; the file is untouched', async () => {
    await runAll(exec, method.preflight(state, target('v0.9.2')));
    await expect(runAll(exec, method.preflight(state, target('v9.9.9')))).rejects.toThrow(/does not exist/);
    await runAll(exec, method.prepare(state, target('v0.9.2')));
    expect(await sh(exec, `cat ${FILE}`)).toBe(oldFile);
    expect(await containerId(PROJECT)).toBe(state.containerId);
  });

  it('backs up the database and the compose file', async () => {
    const records = await backupPorts().backup(exec, state, backupSettings(`/var/backups/${PROJECT}`, 'v0.9.2'), {
      database: true,
    });
    expect(records.map((r) => `${r.kind}:${r.path.replace(/^.*\/\d{8}T\d{6}Z-v0\.9\.1\//, '')}`).sort()).toEqual([
      'config:config/container-inspect.json',
      'config:config/opt/nau-mt-compose/docker-compose.yml',
      'database:database/one-api.db',
    ]);
  });

  it('apply recreates only New API, on the new image, with only the image line changed', async () => {
    const r = await runBody(exec, 'apply', method.swap(state, target('v0.9.2')).apply);
    expect(r.code).toBe(0);
    await waitVersion(exec, PORT, 'v0.9.2');
    const now = await sh(exec, `cat ${FILE}`);
    expect(now).toBe(oldFile.replace(`"${bed.image}:v0.9.1"`, `"${bed.image}:v0.9.2"`));
    expect(await sh(exec, `cat ${FILE}${COMPOSE_COPY_SUFFIX}`)).toBe(oldFile);
    expect(await redisId()).toBe(redis);
    const after = inspectOf(await sh(exec, `docker container inspect ${PROJECT}`));
    const before = inspectOf(state.inspectJson!);
    expect(after.Config.Entrypoint).toEqual(['/new-api']);
    expect(after.Config.Cmd).toEqual(before.Config.Cmd);
    // docker-compose v1 lists binds in no stable order.
    expect([...after.HostConfig.Binds].sort()).toEqual([...before.HostConfig.Binds].sort());
    expect(after.HostConfig.PortBindings).toEqual(before.HostConfig.PortBindings);
    expect(await sh(exec, `sqlite3 ${DIR}/data/one-api.db '.timeout 5000' 'select v from nau_marker'`)).toContain(
      'before-v0.9.1',
    );
  });

  it('revert restores the file byte for byte and the exact old image, even when its tag moved', async () => {
    // The old reference moved meanwhile (as `latest` does): the revert must still run the exact old image.
    await sh(exec, `docker tag ${bed.image}:v0.9.2 ${bed.image}:v0.9.1`);
    const r = await runBody(exec, 'revert', method.swap(state, target('v0.9.2')).revert);
    expect(r.code).toBe(0);
    await waitVersion(exec, PORT, 'v0.9.1');
    expect(await sh(exec, `cat ${FILE}`)).toBe(oldFile);
    expect(await sh(exec, `sha256sum < ${FILE}`)).toContain(state.composeFileSha256!);
    await expect(sh(exec, `test -e ${FILE}${COMPOSE_COPY_SUFFIX}`)).rejects.toThrow();
    expect((await sh(exec, `docker container inspect -f '{{.Image}}' ${PROJECT}`)).trim()).toBe(state.image!.id);
    expect(await redisId()).toBe(redis);
    // Idempotent, and a no-op when the old service already runs.
    const id = await containerId(PROJECT);
    expect((await runBody(exec, 'revert again', method.swap(state, target('v0.9.2')).revert)).code).toBe(0);
    expect(await containerId(PROJECT)).toBe(id);
  });
});

describe('compose: v0.10.1 → v0.10.2, finalize', () => {
  it('updates, finalize removes the file copy and keeps the previous image', async () => {
    await upOld('v0.10.1');
    const state = await method.inspect(exec);
    await runAll(exec, method.preflight(state, target('v0.10.2')));
    await runAll(exec, method.prepare(state, target('v0.10.2')));
    const scripts = method.swap(state, target('v0.10.2'));
    expect((await runBody(exec, 'apply', scripts.apply)).code).toBe(0);
    await waitVersion(exec, PORT, 'v0.10.2');
    expect((await runBody(exec, 'finalize', scripts.finalize)).code).toBe(0);
    await expect(sh(exec, `test -e ${FILE}${COMPOSE_COPY_SUFFIX}`)).rejects.toThrow();
    await sh(exec, `docker image inspect ${state.image!.id} >/dev/null`);
    expect(await sh(exec, `grep -c 'v0.10.2' ${FILE}`)).toBe('1\n');
    expect(await sh(exec, `sqlite3 ${DIR}/data/one-api.db '.timeout 5000' 'select v from nau_marker'`)).toContain(
      'before-v0.10.1',
    );
  });
});
