/**
 * No secret in any output. The bundled action updates a New API node on the bed end to end, from a
 * pull_request event (so it comments on the PR) with an environment (so it records a deployment), with
 * every secret input set to a distinctive value, used for real: the PEM key and its passphrase (to log
 * in), the admin access token, password and API key (the node's own, for the checks), the GitHub token,
 * the registry credentials (docker login); and an SSH password beside the key, unused but given. The
 * node's container carries host-side secrets too (SESSION_SECRET, CRYPTO_SECRET, SQL_DSN with a password,
 * REDIS_CONN_STRING with a password), and its database holds the channels' upstream keys. Two runs: an
 * update that succeeds (checks log in with the access token), and one whose release rejects the admin
 * password, so the login check fails and the node is rolled back (error paths print the most). Every
 * output of both is scanned for every secret, for each line of the multi-line ones, and for their JSON-
 * and URL-escaped forms: stdout as the log shows it, stderr, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 * GITHUB_STATE, and every request the GitHub API received.
 *
 * backup is false in these runs: the stub only accepts an SQL_DSN starting with `local` (New API's own
 * "use SQLite" prefix), which the action's backup reads as MySQL and, with no MySQL on the bed, could not
 * back up. The recreate path (inspect, env carried over to the new container) is what exposes the DSN.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../bed/fake-github.mjs';
import {
  REPO_ROOT,
  catalog,
  fixtureHostFields,
  hostStatus,
  hostsInput,
  loadBed,
  type ActionRun,
  type Bed,
} from './bed.js';
import { findSecrets, runBundle, runOutputs, runnerContext } from './support/action.js';
import { inputEnv } from './support/bad-inputs.js';
import { deployWithCredentials, startFakeRedis, type FakeRedis } from './support/credentialed-fixture.js';
import { BED_GATEWAY } from './support/runner-netns.js';

const HOST = 'slave-2';
const PR = 7;
const REPOSITORY = 'bed/new-api-ops';

/** Distinctive values, each with characters that need quoting or escaping somewhere. */
const S = {
  sshPassphrase: 'nauScanPassphrase-K7q#Zr!2"x',
  /** Given beside the key (which the action prefers): unused, and still never printed. */
  sshPassword: 'nauScanSshPassword-6d2e8a',
  adminPassword: `nauScanAdminPw-'"$(id);|&9`,
  accessToken: 'nauScanAccessToken7f3c9a1e5b2d',
  apiKey: 'sk-nauScanApiKey4d8e2b6f0a1c',
  githubToken: 'ghs_nauScanGithubToken9c1e7a3b5d',
  registryUsername: 'nau-scan-registry-user',
  registryPassword: 'nauScanRegistryPw%2F&x<y>',
  sessionSecret: 'nauScanSessionSecret-3b9f0c1d',
  cryptoSecret: 'nauScanCryptoSecret-8e2a4f6b',
  sqlPassword: 'nauScanSqlPw-5c7d9e1f',
  redisPassword: 'nauScanRedisPw-1a4f7b2c',
};

let bed: Bed;
let github: FakeGitHub;
let redis: FakeRedis;
let work: string;
let encryptedKey: string;
let decryptedKey: string;
let containerEnv: Record<string, string>;
const runs: { name: string; run: ActionRun }[] = [];

beforeAll(async () => {
  bed = loadBed();
  work = mkdtempSync(join(tmpdir(), 'nau-scan-'));
  // The bed's PEM key, re-encrypted with the distinctive passphrase; and the same key decrypted, whose
  // lines the action holds in memory once it has parsed the key.
  for (const [file, passphrase] of [
    ['encrypted', S.sshPassphrase],
    ['decrypted', ''],
  ] as const) {
    writeFileSync(join(work, file), readFileSync(bed.sshKeyRsaPem), { mode: 0o600 });
    execFileSync('ssh-keygen', [
      '-q',
      '-p',
      '-m',
      'PEM',
      '-f',
      join(work, file),
      '-P',
      bed.sshKeyRsaPemPassphrase,
      '-N',
      passphrase,
    ]);
  }
  encryptedKey = readFileSync(join(work, 'encrypted'), 'utf8');
  decryptedKey = readFileSync(join(work, 'decrypted'), 'utf8');

  github = await startFakeGitHub({ port: 0, catalog: join(REPO_ROOT, 'test/bed/catalog.json') });
  redis = await startFakeRedis(BED_GATEWAY, S.redisPassword);
  containerEnv = {
    SESSION_SECRET: S.sessionSecret,
    CRYPTO_SECRET: S.cryptoSecret,
    // A MySQL DSN (user "localuser") that the stub, like New API, reads as "use SQLite" because it starts with "local".
    SQL_DSN: `localuser:${S.sqlPassword}@tcp(db.internal:3306)/newapi?charset=utf8mb4`,
    REDIS_CONN_STRING: redis.url,
  };
  await deployWithCredentials(
    HOST,
    'v0.10.1',
    { adminPassword: S.adminPassword, accessToken: S.accessToken, apiKey: S.apiKey },
    containerEnv,
  );

  writeFileSync(
    join(work, 'event.json'),
    JSON.stringify({
      action: 'synchronize',
      number: PR,
      pull_request: {
        number: PR,
        title: 'Update New API',
        head: {
          ref: 'update-new-api',
          sha: '0000000000000000000000000000000000000007',
          repo: { full_name: REPOSITORY },
        },
        base: { ref: 'main', repo: { full_name: REPOSITORY } },
      },
      repository: { full_name: REPOSITORY, name: 'new-api-ops', owner: { login: 'bed' } },
    }),
  );
  const context = runnerContext(bed, {
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(work, 'event.json'),
    GITHUB_REF: `refs/pull/${PR}/merge`,
    GITHUB_HEAD_REF: 'update-new-api',
    GITHUB_BASE_REF: 'main',
    GITHUB_API_URL: github.url,
  });
  const hosts = hostsInput(bed, [HOST], { [HOST]: { ...fixtureHostFields('docker'), role: 'master' } });
  // New API's checks log in with the access token when there is one: the first run gives both (the
  // password must stay hidden even unused), the second only the password, which its faulty release rejects.
  const inputs = (version: string, withToken: boolean) =>
    inputEnv({
      hosts,
      version,
      repository: catalog().repository,
      'releases-api-url': github.url,
      'github-token': S.githubToken,
      image: bed.image,
      'registry-username': S.registryUsername,
      'registry-password': S.registryPassword,
      'ssh-private-key': encryptedKey,
      'ssh-passphrase': S.sshPassphrase,
      'ssh-password': S.sshPassword,
      'ssh-known-hosts': readFileSync(bed.knownHosts, 'utf8'),
      'ssh-timeout': '10',
      'admin-username': catalog().seed.adminUsername,
      'admin-password': S.adminPassword,
      ...(withToken ? { 'admin-access-token': S.accessToken, 'admin-user-id': catalog().seed.adminUserId } : {}),
      'api-key': S.apiKey,
      checks: 'auto',
      'health-timeout': '60',
      'stability-seconds': '2',
      'lock-timeout': '10',
      backup: 'false',
      environment: 'bed-secret-scan',
      'comment-on-pr': 'auto',
    });
  runs.push({ name: 'update', run: await runBundle({ ...context, ...inputs('v0.10.2', true) }) });
  runs.push({ name: 'rollback', run: await runBundle({ ...context, ...inputs('v0.10.3-badlogin', false) }) });
}, 600_000);

afterAll(async () => {
  await github?.close();
  await redis?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The seeded channels' upstream keys (test/stub/model/seed.go): in the node's database, never in an answer. */
const channelKeys = (): string[] => catalog().seed.channels.map((c) => `sk-upstream-secret-${c.name}`);

/** The cluster secrets every bed fixture also gets (test/bed/fixtures/common.sh). */
function clusterSecrets(): string[] {
  const common = readFileSync(join(REPO_ROOT, 'test/bed/fixtures/common.sh'), 'utf8');
  return [...common.matchAll(/echo (?:SESSION|CRYPTO)_SECRET=(\S+)/g)].map((m) => m[1]);
}

/** Lines of a PEM key that are secret: everything but the armour, which every key of the type shares. */
const keyLines = (key: string): string[] =>
  key
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length >= 8 && !line.startsWith('-----'));

function secrets(): Record<string, string> {
  const named: Record<string, string> = {
    ...Object.fromEntries(Object.entries(S).filter(([name]) => name !== 'registryUsername')),
    sqlDsn: containerEnv.SQL_DSN,
    redisConnString: containerEnv.REDIS_CONN_STRING,
  };
  keyLines(encryptedKey).forEach((line, i) => (named[`encrypted key line ${i + 1}`] = line));
  keyLines(decryptedKey).forEach((line, i) => (named[`decrypted key line ${i + 1}`] = line));
  channelKeys().forEach((key) => (named[key] = key));
  clusterSecrets().forEach((secret, i) => (named[`cluster secret ${i + 1}`] = secret));
  return named;
}

test('the runs really used the secrets: the update passed its checks, the faulty release was rolled back', async () => {
  const [update, rollback] = runs.map((r) => r.run);
  expect({ result: update.outputs.result, stderr: update.stderr }).toEqual({ result: 'updated', stderr: '' });
  expect({ result: rollback.outputs.result, stderr: rollback.stderr }).toEqual({ result: 'rolled-back', stderr: '' });
  const checks = (run: ActionRun, name: string) =>
    (JSON.parse(run.outputs.report) as { hosts: { checks: { name: string; status: string }[] }[] }).hosts
      .flatMap((h) => h.checks)
      .filter((c) => c.name === name)
      .map((c) => c.status);
  expect({ update: checks(update, 'admin-login'), rollback: checks(rollback, 'admin-login') }).toEqual({
    update: expect.arrayContaining(['pass']),
    rollback: expect.arrayContaining(['fail']),
  });
  expect(checks(update, 'api-call')).toContain('pass');
  expect((await hostStatus(HOST))?.version).toBe('v0.10.2');
});

test('no secret appears in any output, summary, state, comment, deployment or API request', () => {
  const places: Record<string, string> = {};
  for (const { name, run } of runs) {
    for (const [where, text] of Object.entries(runOutputs(run))) places[`${name} run: ${where}`] = text;
  }
  github.requests().forEach((r, i) => (places[`GitHub request ${i + 1} (${r.method} ${r.path})`] = JSON.stringify(r)));

  expect(findSecrets(secrets(), places)).toEqual([]);
});

test('the scan covered a pull request comment and a deployment with its statuses, and every place held the report', () => {
  for (const { run } of runs) {
    for (const [where, text] of Object.entries(runOutputs(run))) {
      if (where !== 'stderr' && where !== 'GITHUB_STATE')
        expect({ where, mentionsHost: text.includes(HOST) }).toEqual({ where, mentionsHost: true });
    }
  }
  const writes = github.requests().filter((r) => r.method !== 'GET');
  expect(JSON.stringify(writes.filter((r) => r.path.includes('/comments')))).toContain(HOST);
  expect(writes).toContainEqual(
    expect.objectContaining({ method: 'POST', path: `/repos/${REPOSITORY}/issues/${PR}/comments` }),
  );
  expect(writes).toContainEqual(expect.objectContaining({ method: 'POST', path: `/repos/${REPOSITORY}/deployments` }));
  expect(writes.filter((r) => /\/deployments\/\d+\/statuses$/.test(r.path)).length).toBeGreaterThanOrEqual(2);
});
