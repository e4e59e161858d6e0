/**
 * The example workflows users copy (.github/workflows/examples/) must work as pasted: every `with:` key is
 * an input of action.yml, every literal value passes the action's own input parsing, secrets come from
 * `secrets.`, runs are grouped so two never race on the same hosts, and no shell script interpolates
 * an expression (script injection).
 */
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { RawInputs } from '../../src/inputs/defaults.js';
import { parseSettings } from '../../src/inputs/parse.js';

const root = new URL('../../', import.meta.url);
const dir = new URL('.github/workflows/examples/', root);
const action = parse(readFileSync(new URL('action.yml', root), 'utf8')) as {
  inputs: Record<string, { required?: boolean }>;
};
const USES = '<owner>/new-api-update-action@v1';
const SECRET_INPUTS = [
  'ssh-private-key',
  'ssh-passphrase',
  'ssh-password',
  'registry-password',
  'admin-password',
  'admin-access-token',
  'api-key',
];

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  environment?: string;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean | string };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: Job['concurrency'];
  jobs: Record<string, Job>;
}

const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((file) => [file, parse(readFileSync(new URL(file, dir), 'utf8')) as Workflow] as const);
const actionSteps = (wf: Workflow): Step[] =>
  Object.values(wf.jobs).flatMap((job) => job.steps.filter((s) => s.uses?.includes('new-api-update-action')));

// What a run would put where an example has an expression.
const key = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const STAND_INS: Record<string, string> = {
  hosts: '- name: master\n  host: 203.0.113.10\n- name: slave-1\n  host: 203.0.113.11\n  role: slave',
  'ssh-private-key': key,
  version: 'v0.10.2',
  repository: 'acme/new-api',
  image: 'ghcr.io/acme/new-api',
  'registry-username': 'octocat',
  environment: 'staging',
  'dry-run': 'false',
  'allow-breaking': 'false',
};

test('the four documented examples are there', () => {
  expect(examples.map(([f]) => f)).toEqual([
    'manual-dispatch.yml',
    'nightly-check.yml',
    'pr-status.yml',
    'release-trigger.yml',
  ]);
});

describe.each(examples)('%s', (_file, wf) => {
  test('uses the action by its published name, with inputs that action.yml declares', () => {
    const steps = actionSteps(wf);
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(step.uses).toBe(USES);
      for (const name of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(name);
      for (const [name, spec] of Object.entries(action.inputs))
        if (spec.required) expect(step.with).toHaveProperty(name);
    }
  });

  test("its values pass the action's input parsing", () => {
    for (const step of actionSteps(wf)) {
      const raw: Record<string, string> = {};
      for (const [name, value] of Object.entries(step.with ?? {})) {
        const text = String(value);
        if (!text.includes('${{')) raw[name] = text;
        else if (SECRET_INPUTS.includes(name) && name !== 'ssh-private-key') raw[name] = 'stand-in-secret';
        else if (name === 'ssh-known-hosts') raw['ssh-insecure-skip-host-key-check'] = 'true';
        else if (name in STAND_INS) raw[name] = STAND_INS[name] ?? '';
        else throw new Error(`no stand-in for the expression of ${name}: add one to STAND_INS`);
      }
      expect(() =>
        parseSettings(raw as Partial<RawInputs>, { env: {}, eventName: Object.keys(wf.on)[0] }),
      ).not.toThrow();
    }
  });

  test('takes credentials from secrets, never literally', () => {
    for (const step of actionSteps(wf)) {
      for (const name of SECRET_INPUTS) {
        const value = step.with?.[name];
        if (value !== undefined) expect(String(value)).toMatch(/^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/);
      }
    }
  });

  test('belongs to a concurrency group; a run that changes hosts is never cancelled midway', () => {
    const dryRunOnly = actionSteps(wf).every((s) => String(s.with?.['dry-run']) === 'true');
    for (const job of Object.values(wf.jobs)) {
      const group = job.concurrency ?? wf.concurrency;
      expect(group?.group).toMatch(/^new-api-/);
      if (!dryRunOnly) expect(group?.['cancel-in-progress']).toBe(false);
    }
  });

  test('declares its token permissions and interpolates no expression into a shell script', () => {
    expect(wf.permissions).toBeDefined();
    for (const job of Object.values(wf.jobs)) for (const step of job.steps) expect(step.run ?? '').not.toContain('${{');
  });
});

test('workflows that update the same hosts share one group; the nightly check never queues in front of them', () => {
  const groups = Object.fromEntries(examples.map(([f, wf]) => [f, wf.concurrency?.group]));
  expect(groups['release-trigger.yml']).toBe('new-api-production');
  expect(groups['manual-dispatch.yml']).toBe('new-api-${{ inputs.environment }}');
  expect(groups['pr-status.yml']).toBe('new-api-staging');
  expect(groups['nightly-check.yml']).not.toMatch(/production|staging|inputs/);
});

test('the PR workflow skips fork pull requests, which get neither secrets nor a write token', () => {
  const wf = Object.fromEntries(examples)['pr-status.yml'] as Workflow;
  expect(wf.on).toHaveProperty('pull_request');
  expect(wf.jobs.staging?.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
  expect(actionSteps(wf)[0]?.with).toMatchObject({
    'comment-on-pr': 'true',
    version: '${{ steps.pin.outputs.version }}',
  });
});

test('the nightly check is a dry run whose update-available output opens an issue', () => {
  const wf = Object.fromEntries(examples)['nightly-check.yml'] as Workflow;
  expect(wf.on).toHaveProperty('schedule');
  const steps = wf.jobs.check?.steps ?? [];
  expect(actionSteps(wf)[0]).toMatchObject({ id: 'check', with: { 'dry-run': 'true' } });
  expect(
    steps.some((s) => String((s as { if?: string }).if).includes("steps.check.outputs.update-available == 'true'")),
  ).toBe(true);
});
