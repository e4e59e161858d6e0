/**
 * The bad-input suite on the real bed: every case of the table (support/bad-inputs.ts) runs the bundled
 * action as the runner does, against the bed's three hosts, with a base that is valid down to the key and
 * the known_hosts lines, so that the hostile field is the only thing wrong. Each run must exit non-zero
 * with `result: failed` and a message naming the input (and host), and must leave no trace anywhere:
 *
 * - the action runs in its own network namespace (support/runner-netns.ts), whose packet counters do not
 *   move: it sent nothing to any address, bed host or not;
 * - no bed host's sshd logged anything from that namespace's address (the bed's sshd logs every TCP
 *   connection, even one closed before the SSH banner);
 * - no host's state directory holds a lock, step or audit line of the run, and no backup directory exists.
 *
 * A control run of the valid base at the end shows the same evidence does see a run that connects.
 *
 * Values that are valid but hostile (shell syntax in a password, a token, an API key, registry
 * credentials, a log pattern, and in the runner's own context) are accepted and must arrive as written
 * and inert: two real updates that log in with them succeed, nothing they spell out runs on the host or
 * the runner, and the secret ones appear in no output.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../bed/fake-github.mjs';
import {
  REPO_ROOT,
  bedHost,
  catalog,
  fixtureHostFields,
  hostShOk,
  hostsInput,
  loadBed,
  type ActionRun,
  type Bed,
  type BedHost,
} from './bed.js';
import { findSecrets, outputNames, runBundle, runOutputs, runnerContext, shownStdout } from './support/action.js';
import {
  BAD_INPUTS,
  BASE_NAMES,
  baseInputs,
  baseSecrets,
  caseInputs,
  expectedHost,
  inputEnv,
  type InputBase,
} from './support/bad-inputs.js';
import { deployWithCredentials } from './support/credentialed-fixture.js';
import { BED_GATEWAY, openRunnerNetns, type RunnerNetns } from './support/runner-netns.js';

const RUNNER = { netns: 'nau-bi-runner', address: '10.77.0.241', veth: 'nau-bi0' };

let bed: Bed;
let hosts: BedHost[];
let netns: RunnerNetns;
let github: FakeGitHub;
let base: InputBase;
let context: Record<string, string>;
const suiteStart = new Map<string, number>();

beforeAll(async () => {
  bed = loadBed();
  if (bed.hosts.length < 3) throw new Error('the bad-input suite needs the bed with 3 hosts (bed.sh up --hosts 3)');
  hosts = bed.hosts.slice(0, 3).map((h) => bedHost(h.name, bed));
  netns = openRunnerNetns(RUNNER.netns, RUNNER.address, RUNNER.veth);
  // The releases API must answer from inside the runner namespace for the control run to reach the hosts.
  github = await startFakeGitHub({ host: BED_GATEWAY, port: 0, catalog: join(REPO_ROOT, 'test/bed/catalog.json') });
  base = {
    addresses: [hosts[0].address, hosts[1].address, hosts[2].address],
    privateKey: readFileSync(bed.sshKey, 'utf8'),
    encryptedKey: readFileSync(bed.sshKeyRsaPem, 'utf8'),
    passphrase: bed.sshKeyRsaPemPassphrase,
    publicKey: readFileSync(`${bed.sshKey}.pub`, 'utf8'),
    knownHosts: readFileSync(bed.knownHosts, 'utf8'),
    releasesApiUrl: github.url,
    image: bed.image,
  };
  context = runnerContext(bed, { GITHUB_API_URL: github.url });
  for (const h of hosts) suiteStart.set(h.name, sshdLogSize(h));
});

afterAll(async () => {
  netns?.close();
  await github?.close();
});

const sshdLog = (h: BedHost): string => join(h.root, 'var/log/sshd.log');
const sshdLogSize = (h: BedHost): number => (existsSync(sshdLog(h)) ? statSync(sshdLog(h)).size : 0);

/** What each host's sshd logged about the runner's address since `offsets`. */
function sshdSawRunner(offsets: Map<string, number>): Record<string, string[]> {
  return Object.fromEntries(
    hosts.map((h) => {
      const text = existsSync(sshdLog(h))
        ? readFileSync(sshdLog(h))
            .subarray(offsets.get(h.name) ?? 0)
            .toString()
        : '';
      return [h.name, text.split('\n').filter((line) => line.includes(`${RUNNER.address} `))];
    }),
  );
}

const logOffsets = (): Map<string, number> => new Map(hosts.map((h) => [h.name, sshdLogSize(h)]));

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * Anything of run `runId` or of the base's instances on a host: files in the action's state directory
 * naming the run (lock owner, audit line) or one of the base's names (every one contains "nau-bi", and so
 * does any lock, instance or step directory made for it), and the base's backup directory.
 */
function stateTraces(h: BedHost, runId: string): string[] {
  const stateDir = join(h.root, 'var/lib/new-api-update');
  const traces = filesUnder(stateDir).filter((f) => f.includes('nau-bi') || readFileSync(f).includes(runId));
  const backups = join(h.root, BASE_NAMES.backupDir.replace(/^\//, ''));
  return existsSync(backups) ? [...traces, backups] : traces;
}

/** Workflow commands in the shown log that a value could have forged (every genuine one is about the input). */
const forgedCommands = (run: ActionRun): string[] =>
  shownStdout(run)
    .split('\n')
    .filter((line) => line.startsWith('::') && !/^::(error|warning|notice)( [^:]*)?::Input '/.test(line));

describe('refused before any remote command', () => {
  test.each(BAD_INPUTS.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const offsets = logOffsets();
    const packets = netns.packetsSent();
    const run = await runBundle(
      { ...context, ...inputEnv(caseInputs(c, base)), ...c.env },
      { netns, timeoutMs: 60_000 },
    );

    // No trace first (the point of the suite): nothing left the runner, no sshd saw it, no host holds
    // anything of the run.
    const runId = context.GITHUB_RUN_ID;
    expect({
      packetsSent: netns.packetsSent() - packets,
      sshd: sshdSawRunner(offsets),
      state: Object.fromEntries(hosts.map((h) => [h.name, stateTraces(h, runId)])),
    }).toEqual({
      packetsSent: 0,
      sshd: Object.fromEntries(hosts.map((h) => [h.name, []])),
      state: Object.fromEntries(hosts.map((h) => [h.name, []])),
    });

    // The refusal, as the workflow sees it.
    expect(run.stderr).toBe('');
    expect(run.code).not.toBe(0);
    expect(Object.keys(run.outputs).sort()).toEqual(outputNames());
    expect(run.outputs.result).toBe('failed');
    const host = expectedHost(c, base);
    const prefix = `::error::Input '${c.input}'${host === undefined ? '' : `, host '${host}'`}`;
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::error::'))).toEqual([
      expect.stringMatching(c.says),
    ]);
    expect(run.stdout).toContain(prefix);
    expect(forgedCommands(run)).toEqual([]);
    const shown = [shownStdout(run), run.stderr, JSON.stringify(run.outputs), run.summary].join('\n');
    expect(baseSecrets(base).filter((secret) => shown.includes(secret))).toEqual([]);
  });

  test('no sshd logged the runner at any time during the refused runs (late log lines included)', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    expect(sshdSawRunner(suiteStart)).toEqual(Object.fromEntries(hosts.map((h) => [h.name, []])));
  });
});

test('control: the valid base itself does reach every host, and the same evidence shows it', async () => {
  const offsets = logOffsets();
  const packets = netns.packetsSent();
  const run = await runBundle({ ...context, ...inputEnv(baseInputs(base)) }, { netns, timeoutMs: 120_000 });
  expect(run.stderr).toBe('');
  // Preflight fails (the base's deployments do not exist on the bed), but only after connecting.
  expect(run.stdout).not.toContain("::error::Input '");
  await new Promise((r) => setTimeout(r, 500));
  expect(netns.packetsSent()).toBeGreaterThan(packets);
  const seen = sshdSawRunner(offsets);
  for (const h of hosts) {
    expect(seen[h.name]).toContainEqual(expect.stringContaining(`Accepted publickey for root from ${RUNNER.address}`));
  }
});

describe('valid but hostile values arrive quoted and inert', () => {
  const HOST = 'slave-2';
  /** Every payload below creates a file whose name starts with this, in /tmp, if it ever runs. */
  const MARK = 'naupwned_';
  const CANARY = '/tmp/nau-bi-canary';
  const H = {
    adminPassword: `pw'$(touch /tmp/${MARK}adminpw)';rm -rf ${CANARY};"\`touch /tmp/${MARK}adminpw_bt\`"`,
    // Tokens travel in an Authorization header: no spaces, and no "-" after "sk-" in an API key.
    accessToken: `tok$(touch\${IFS}/tmp/${MARK}token);\`touch\${IFS}/tmp/${MARK}token_bt\``,
    apiKey: `sk-key$(touch\${IFS}/tmp/${MARK}apikey)`,
    registryUsername: `user$(touch\${IFS}/tmp/${MARK}reguser)`,
    registryPassword: `p'$(touch /tmp/${MARK}regpw)'\`touch /tmp/${MARK}regpw_bt\`;rm -rf ${CANARY}`,
    githubToken: `ghs_$(touch /tmp/${MARK}ghtoken)`,
  };
  /** The runner's context is user text too: a runner's name, a workflow's name, a branch name. */
  const CONTEXT = {
    RUNNER_NAME: `runner$(touch /tmp/${MARK}runner)`,
    GITHUB_WORKFLOW: `Update; touch /tmp/${MARK}workflow`,
    GITHUB_REF: `refs/heads/x$(touch\${IFS}/tmp/${MARK}ref)`,
    GITHUB_ACTOR: `actor'$(touch /tmp/${MARK}actor)'`,
    GITHUB_JOB: `update\`touch /tmp/${MARK}job\``,
  };
  const runs: ActionRun[] = [];
  let host: BedHost;

  const markers = (dir: string): string[] => readdirSync(dir).filter((name) => name.startsWith(MARK));

  beforeAll(async () => {
    host = bedHost(HOST, bed);
    for (const leftover of markers('/tmp')) rmSync(join('/tmp', leftover));
    await deployWithCredentials(
      HOST,
      'v0.10.0',
      { adminPassword: H.adminPassword, accessToken: H.accessToken, apiKey: H.apiKey },
      {},
    );
    await hostShOk(HOST, `touch ${CANARY}`);
    writeFileSync(CANARY, '');
    const env = runnerContext(bed, { GITHUB_API_URL: github.url, ...CONTEXT });
    const inputs = (version: string, admin: Record<string, string>) =>
      inputEnv({
        hosts: hostsInput(bed, [HOST], { [HOST]: { ...fixtureHostFields('docker'), role: 'master' } }),
        version,
        repository: catalog().repository,
        'releases-api-url': github.url,
        'github-token': H.githubToken,
        image: bed.image,
        'registry-username': H.registryUsername,
        'registry-password': H.registryPassword,
        'ssh-private-key': base.privateKey,
        'ssh-known-hosts': base.knownHosts,
        'api-key': H.apiKey,
        // A valid regular expression that is also a command substitution.
        'log-error-patterns': `\\[FATAL\\]\npanic:\n$(touch /tmp/${MARK}logpattern)`,
        'health-timeout': '60',
        'stability-seconds': '1',
        'lock-timeout': '10',
        ...admin,
      });
    // New API's checks log in with the access token when there is one: one run per way to log in.
    const withPassword = { 'admin-username': catalog().seed.adminUsername, 'admin-password': H.adminPassword };
    const withToken = { 'admin-access-token': H.accessToken, 'admin-user-id': catalog().seed.adminUserId };
    runs.push(await runBundle({ ...env, ...inputs('v0.10.1', withPassword) }));
    runs.push(await runBundle({ ...env, ...inputs('v0.10.2', withToken) }));
  }, 300_000);

  afterAll(() => rmSync(CANARY, { force: true }));

  test('both updates succeed: the password, the token, the API key and the registry login arrived as written', () => {
    expect(runs.map((r) => ({ result: r.outputs.result, stderr: r.stderr }))).toEqual([
      { result: 'updated', stderr: '' },
      { result: 'updated', stderr: '' },
    ]);
  });

  test('nothing they spell out ran, on the host or on the runner', () => {
    expect({
      host: markers(join(host.root, 'tmp')),
      runner: markers('/tmp'),
      hostCanary: existsSync(join(host.root, CANARY.replace(/^\//, ''))),
      runnerCanary: existsSync(CANARY),
    }).toEqual({ host: [], runner: [], hostCanary: true, runnerCanary: true });
  });

  test('the hostile secrets appear in no output, summary, state or GitHub request', () => {
    const places: Record<string, string> = {};
    runs.forEach((run, i) => {
      for (const [where, text] of Object.entries(runOutputs(run))) places[`run ${i + 1}: ${where}`] = text;
    });
    github
      .requests()
      .forEach((r, i) => (places[`GitHub request ${i + 1} (${r.method} ${r.path})`] = JSON.stringify(r)));
    const { registryUsername: _notSecret, ...secrets } = H;
    expect(findSecrets(secrets, places)).toEqual([]);
  });
});
