/** Reports as the rollout produces them, for the renderers' tests. */
import type { HostReport, RunReport } from '../../src/report/types.js';

const base = (over: Partial<RunReport>): RunReport => ({
  schemaVersion: 1,
  result: 'updated',
  version: 'v0.10.1',
  message: '',
  dryRun: false,
  startedAt: '2025-10-20T02:00:00.000Z',
  finishedAt: '2025-10-20T02:03:12.000Z',
  durationMs: 192_000,
  updateAvailable: false,
  previousVersions: {},
  plan: [],
  hosts: [],
  backups: [],
  releaseNotes: [],
  warnings: [],
  errors: [],
  ...over,
});

const passed = (version: string): HostReport['checks'] => [
  { name: 'status', status: 'pass', detail: 'HTTP 200, setup true, restarted' },
  { name: 'version', status: 'pass', detail: `${version} reported` },
  { name: 'admin-login', status: 'pass', detail: 'access token accepted' },
  { name: 'channels', status: 'pass', detail: '3 enabled channels unchanged' },
  { name: 'api-call', status: 'skipped', detail: 'no api-key given' },
];

const notes: RunReport['releaseNotes'] = [
  {
    tag: 'v0.10.0',
    name: 'v0.10.0',
    url: 'https://github.com/QuantumNous/new-api/releases/tag/v0.10.0',
    prerelease: false,
    body: '## Highlights\n- Base image is now debian-slim\n- New dashboard auth (bearer access_token)\n- Manual step: set SESSION_SECRET on every node',
    highlights: ['Manual step: set SESSION_SECRET on every node'],
  },
  {
    tag: 'v0.10.1',
    name: 'Channel fixes',
    url: 'https://github.com/QuantumNous/new-api/releases/tag/v0.10.1',
    prerelease: false,
    body: '- fix: channel pagination (#1234)',
    highlights: [],
  },
];

export const updatedCluster: RunReport = base({
  result: 'updated',
  environment: 'production',
  message: 'All 3 hosts run v0.10.1 and passed their checks.',
  previousVersions: { master: 'v0.9.6', 'slave-1': 'v0.9.6', 'slave-2': 'v0.9.6' },
  plan: [
    'master (docker): back up, pull calciumion/new-api:v0.10.1, swap, check, wait 30 s stable',
    'slave-1 (compose): back up, pull, swap, check',
    'slave-2 (source): back up, build v0.10.1, restart, check',
  ],
  hosts: [
    {
      name: 'master',
      role: 'master',
      method: 'docker',
      versionBefore: 'v0.9.6',
      versionAfter: 'v0.10.1',
      outcome: 'updated',
      durationMs: 71_400,
      downtimeMs: 4_200,
      steps: [{ label: 'backup', ok: true, durationMs: 1_300 }],
      checks: passed('v0.10.1'),
    },
    {
      name: 'slave-1',
      role: 'slave',
      method: 'compose',
      versionBefore: 'v0.9.6',
      versionAfter: 'v0.10.1',
      outcome: 'updated',
      durationMs: 52_000,
      downtimeMs: 3_100,
      steps: [],
      checks: passed('v0.10.1'),
    },
    {
      name: 'slave-2',
      role: 'slave',
      method: 'source',
      versionBefore: 'v0.9.6',
      versionAfter: 'v0.10.1',
      outcome: 'updated',
      durationMs: 68_600,
      downtimeMs: 900,
      steps: [],
      checks: passed('v0.10.1'),
    },
  ],
  backups: [
    {
      host: 'master',
      kind: 'database',
      path: '/var/backups/new-api/master-20251020T020000Z/one-api.db',
      bytes: 5_452_595,
      sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    },
    {
      host: 'master',
      kind: 'config',
      path: '/var/backups/new-api/master-20251020T020000Z/container.json',
      bytes: 2_310,
      sha256: '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
    },
  ],
  releaseNotes: notes,
});

export const rolledBack: RunReport = base({
  result: 'rolled-back',
  version: 'v0.10.3-crash',
  message:
    'master failed its checks after the update and was rolled back to v0.10.1; the other hosts were not touched.',
  previousVersions: { master: 'v0.10.1', 'slave-1': 'v0.10.1' },
  hosts: [
    {
      name: 'master',
      role: 'master',
      method: 'docker',
      versionBefore: 'v0.10.1',
      versionAfter: 'v0.10.1',
      outcome: 'rolled-back',
      durationMs: 41_000,
      downtimeMs: 12_700,
      steps: [
        { label: 'backup', ok: true, durationMs: 1_200 },
        { label: 'pull image v0.10.3-crash', ok: true, durationMs: 3_400 },
        { label: 'swap container', ok: true, durationMs: 2_100 },
        {
          label: 'wait until healthy',
          ok: false,
          durationMs: 30_000,
          detail: 'container exited with code 1 (restarted 3 times)',
        },
        { label: 'rollback: start v0.10.1', ok: true, durationMs: 4_300 },
      ],
      checks: [{ name: 'status', status: 'fail', detail: 'no answer on /api/status within 30 s' }],
      logExcerpt: [
        '[SYS] 2025/11/20 - 10:00:01 | database migration started',
        '[FATAL] 2025/11/20 - 10:00:01 | [failed to initialize database: dial tcp 10.0.0.5:3306: connect: connection refused]',
      ],
      error: 'master did not become healthy within 30 s: container exited with code 1',
    },
    {
      name: 'slave-1',
      role: 'slave',
      method: 'docker',
      versionBefore: 'v0.10.1',
      outcome: 'not-started',
      durationMs: 0,
      steps: [],
      checks: [],
    },
  ],
  backups: [
    {
      host: 'master',
      kind: 'database',
      path: '/var/backups/new-api/master-20251120T100000Z/one-api.db',
      bytes: 1_048_576,
      sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    },
  ],
});

export const refused: RunReport = base({
  result: 'refused',
  version: 'v1.0.0',
  message: 'v1.0.0 is a new major version (v0.10.1 → v1.0.0); set allow-breaking: true to permit it.',
  updateAvailable: true,
  previousVersions: { master: 'v0.10.1' },
  hosts: [
    {
      name: 'master',
      role: 'master',
      method: 'docker',
      versionBefore: 'v0.10.1',
      outcome: 'not-started',
      durationMs: 0,
      steps: [],
      checks: [],
    },
  ],
  releaseNotes: [
    {
      tag: 'v1.0.0',
      name: 'v1.0.0',
      url: 'https://github.com/QuantumNous/new-api/releases/tag/v1.0.0',
      prerelease: false,
      body: '## BREAKING CHANGES\n- 不兼容变更：旧版 API 令牌格式不再支持 (old token format no longer supported)',
      highlights: ['不兼容变更：旧版 API 令牌格式不再支持 (old token format no longer supported)'],
    },
  ],
  errors: ['Refused: v1.0.0 is a new major version; set allow-breaking: true to permit it.'],
});

export const planned: RunReport = base({
  result: 'planned',
  dryRun: true,
  environment: 'staging',
  message: 'Dry run: 2 hosts would go from v0.9.6 to v0.10.1. Nothing was changed.',
  updateAvailable: true,
  previousVersions: { master: 'v0.9.6', 'slave-1': 'v0.9.6' },
  plan: [
    'lock master, back up /data/one-api.db to /var/backups/new-api',
    'master: pull calciumion/new-api:v0.10.1, recreate container new-api, check, stable 30 s',
    'slave-1: pull, recreate, check',
  ],
  hosts: [
    {
      name: 'master',
      role: 'master',
      method: 'docker',
      versionBefore: 'v0.9.6',
      outcome: 'planned',
      durationMs: 0,
      steps: [],
      checks: [],
    },
    {
      name: 'slave-1',
      role: 'slave',
      method: 'compose',
      versionBefore: 'v0.9.6',
      outcome: 'planned',
      durationMs: 0,
      steps: [],
      checks: [],
    },
  ],
  releaseNotes: notes,
  warnings: ['ssh-insecure-skip-host-key-check is true: host keys are not verified'],
});

export const rollbackFailed: RunReport = base({
  result: 'failed',
  version: 'v0.10.3-badmigration',
  message: 'master failed its checks and the rollback failed too: manual recovery needed.',
  hosts: [
    {
      name: 'master',
      role: 'master',
      method: 'docker',
      versionBefore: 'v0.10.1',
      versionAfter: 'v0.10.3-badmigration',
      outcome: 'rollback-failed',
      durationMs: 95_000,
      steps: [{ label: 'rollback: start v0.10.1', ok: false, durationMs: 30_000, detail: 'no such table: channels' }],
      checks: [
        {
          name: 'logs',
          status: 'fail',
          detail: '1 line matched [FATAL]',
          evidence: ['[FATAL] 2025/11/20 | [failed to initialize database: no such table: channels]'],
        },
      ],
      error: 'rollback failed: v0.10.1 does not start on the migrated database',
      manualRecovery: [
        'docker stop new-api',
        "cp '/var/backups/new-api/master-20251120T100000Z/one-api.db' /data/one-api.db",
        'docker start new-api-previous',
      ],
    },
  ],
});

const script = '<script>alert(1)</script>';
/** Every kind of text a host or an upstream release could send to break out of its place. */
export const hostile: RunReport = base({
  result: 'failed',
  version: 'v0.10.1`|<b>',
  message: `failed: ${script} | pipes | \`code\` ping @org/team and @alice [click](javascript:alert(1)) #1`,
  hosts: [
    {
      name: 'master',
      role: 'master',
      method: 'docker',
      versionBefore: 'v0.9.6|<i>x</i>',
      versionAfter: '```',
      outcome: 'failed',
      durationMs: 1_000,
      steps: [{ label: 'swap container', ok: false, durationMs: 10, detail: '](javascript:alert(1))\n| a | b |' }],
      checks: [
        {
          name: 'version',
          status: 'fail',
          detail: `reported ${script}\n| forged | row |`,
          evidence: ['```', '</details>', '@org/team <img src=x onerror=alert(1)>'],
        },
      ],
      logExcerpt: [`${script} \u001b[31mred\u001b[0m`, '::set-output name=x::y', '    ```', '~~~'],
      error: `# Heading?\n<details><summary>x</summary>\n@org/team ${script}`,
    },
  ],
  releaseNotes: [
    {
      tag: 'v0.10.1',
      name: '[x](javascript:alert(1))',
      url: 'javascript:alert(1)',
      prerelease: false,
      body: `# ${script}\n- @org/team ![img](https://evil.example/x.png)\n</details>\n1. ordered`,
      highlights: [`${script} migration`],
    },
  ],
  warnings: ['::error::forged annotation'],
});

/** A crash-looping node's 10,000 log lines and a release with 20,000 lines of notes. */
export const huge: RunReport = base({
  ...hostile,
  hosts: hostile.hosts.map((h) => ({
    ...h,
    logExcerpt: Array.from({ length: 10_000 }, (_, i) => `line ${i} [FATAL] ${script} ${'x'.repeat(100)}`),
  })),
  releaseNotes: [
    {
      ...(hostile.releaseNotes[0] as RunReport['releaseNotes'][number]),
      body: Array.from({ length: 20_000 }, (_, i) => `- note ${i} ${script} @org/team`).join('\n'),
    },
  ],
});
