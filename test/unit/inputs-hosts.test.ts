import { parseHosts, parseJump } from '../../src/inputs/hosts.js';
import { FINGERPRINT, PLAIN_KEY } from './inputs-fixtures.js';

const env = { NODE2_KEY: PLAIN_KEY.private, EMPTY_KEY: '' };
const hosts = (yaml: string) => parseHosts(yaml, env);

describe('hosts inventory: defaults', () => {
  test('a bare host gets the contract defaults', () => {
    expect(hosts('- host: 203.0.113.10')).toEqual([
      {
        name: '203.0.113.10',
        host: '203.0.113.10',
        port: 22,
        user: 'root',
        role: 'master',
        method: 'docker',
        url: 'http://127.0.0.1:3000',
        container: 'new-api',
        service: 'new-api',
        sudo: false,
      },
    ]);
  });

  test('the example of the contract parses with every key in place', () => {
    const [master, compose, source] = hosts(`
- name: master
  host: 203.0.113.10
  port: 2222
  user: deploy
  role: master
  method: docker
  container: new-api-prod
  url: http://127.0.0.1:3000/
  sudo: true
  fingerprint: ${FINGERPRINT}
  jump: ops@bastion.example.com:2200
  jump-fingerprint: ${FINGERPRINT}
  pre-update: lb-drain web1
  post-update: lb-enable web1
- name: slave-1
  host: 203.0.113.11
  role: slave
  method: compose
  project-dir: /opt/new-api/
  service: api
  ssh-private-key-env: NODE2_KEY
- name: slave-2
  host: 203.0.113.12
  role: slave
  method: source
  source-dir: /opt/new-api
  restart: systemctl restart new-api
  build: make all
  logs: journalctl -u new-api --no-pager
`);
    expect(master).toMatchObject({
      port: 2222,
      user: 'deploy',
      container: 'new-api-prod',
      url: 'http://127.0.0.1:3000',
      sudo: true,
      fingerprint: FINGERPRINT,
      jump: { user: 'ops', host: 'bastion.example.com', port: 2200, fingerprint: FINGERPRINT },
      preUpdate: 'lb-drain web1',
      postUpdate: 'lb-enable web1',
    });
    expect(compose).toMatchObject({ method: 'compose', role: 'slave', projectDir: '/opt/new-api', service: 'api' });
    expect(compose.privateKey).toBe(PLAIN_KEY.private.trim() + '\n');
    expect(source).toMatchObject({
      method: 'source',
      sourceDir: '/opt/new-api',
      restart: 'systemctl restart new-api',
      build: 'make all',
      logs: 'journalctl -u new-api --no-pager',
    });
  });

  test('port may be quoted; role and method are case-insensitive', () => {
    expect(hosts('- host: a.example\n  port: "2222"\n  role: Slave\n  method: DOCKER')[0]).toMatchObject({
      port: 2222,
      role: 'slave',
      method: 'docker',
    });
  });

  test('a cluster of one master and slaves, or of slaves only, is accepted', () => {
    expect(hosts('- host: a\n- host: b\n  role: slave')).toHaveLength(2);
    expect(hosts('- host: a\n  role: slave\n- host: b\n  role: slave')).toHaveLength(2);
  });

  test('the same address may hold two deployments', () => {
    expect(hosts('- name: a\n  host: h\n- name: b\n  host: h\n  role: slave\n  container: new-api-2')).toHaveLength(2);
  });
});

describe('hosts inventory: errors name the input, the host and the fix', () => {
  test.each([
    ['', "Input 'hosts' is empty. Fix: give a YAML list of hosts"],
    ['[]', "Input 'hosts' is an empty list"],
    ['host: a', 'Input \'hosts\' is a single mapping, not a list. Fix: start each host with "- "'],
    ['just text', "Input 'hosts' is not a list of hosts"],
    ['- host: a\n  host: b', "Input 'hosts' is not valid YAML: Map keys must be unique"],
    ['- host: [a', "Input 'hosts' is not valid YAML"],
    [
      '- name: a\\n  bogus: 1',
      'at line 1, column 9. Fix: the value holds literal \\n sequences: write real line breaks',
    ],
    ['- a', "Input 'hosts': entry #1 is not a mapping"],
    [
      '- name: a\n  host: h\n  bogus: 1',
      "Input 'hosts', host 'a': unknown key \"bogus\". Fix: remove it, or use one of: name, host,",
    ],
    ['- host: h\n  project_dir: /x', "host 'h': unknown key \"project_dir\". Fix: did you mean 'project-dir'?"],
    ['- host: h\n  Container: x', "did you mean 'container'?"],
    ['- name: a', "Input 'hosts', host 'a' has no host. Fix: add \"host: <address or DNS name>\""],
    ['- host: h\n  port:', "host 'h': port has no value. Fix: give port a value or remove the key"],
    ['- host: h\n  port: 70000', "host 'h': port 70000 is not a port number"],
    ['- host: h\n  port: ssh', 'port "ssh" is not a port number'],
    ['- host: h\n  role: primary', 'role "primary" is not one of master, slave'],
    ['- host: h\n  method: kubernetes', 'method "kubernetes" is not one of docker, compose, source'],
    ['- host: h\n  method: compose', "host 'h': project-dir is missing (method compose needs it)"],
    ['- host: h\n  method: source', "host 'h': source-dir is missing (method source needs it)"],
    [
      '- host: h\n  project-dir: /opt/new-api',
      'project-dir belongs to method compose, but this host uses method docker (the default). Fix: set method: compose, or remove project-dir',
    ],
    ['- host: h\n  method: compose\n  project-dir: /x\n  container: c', 'container belongs to method docker'],
    [
      '- host: h\n  method: docker\n  restart: x',
      'restart belongs to method source, but this host uses method docker.',
    ],
    ['- host: h\n  url: 127.0.0.1:3000', 'url "127.0.0.1:3000" is not a'],
    ['- host: h\n  sudo: yes', 'sudo "yes" is not a boolean. Fix: write true or false'],
    ['- host: h\n  fingerprint: MD5:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff', 'that is an MD5 fingerprint'],
    ['- host: h\n  jump-fingerprint: ' + FINGERPRINT, 'jump-fingerprint is given without jump'],
    ['- host: h\n  jump: "@@"', 'jump "@@" is not user@host:port'],
    [
      '- host: h\n  ssh-private-key-env: MISSING_KEY',
      'names the environment variable MISSING_KEY, which is empty or not set',
    ],
    [
      '- host: h\n  ssh-private-key-env: EMPTY_KEY',
      "EMPTY_KEY, which is empty or not set. Fix: set it in the step's env:",
    ],
    ['- host: h\n  pre-update: ""', "host 'h': pre-update is empty"],
    ['- host: h\n  user: [a]', 'user must be text'],
    ['- host: "h;reboot"', "Input 'hosts', host '#1': host \"h;reboot\" is not a host name"],
    ['- host: h\n  name: "web 1"', "Input 'hosts', host 'h': name \"web 1\" is not a plain identifier"],
    ['- host: h\n  container: "x y"', 'container "x y" is not a valid name'],
    [
      '- host: h\n  method: compose\n  project-dir: relative/dir',
      'project-dir "relative/dir" is not a plain absolute path',
    ],
    [
      '- host: a\n- host: a\n  role: slave',
      "Input 'hosts', host 'a': two entries are named \"a\". Fix: give each entry a distinct name",
    ],
    ['- name: a\n  host: h\n- name: b\n  host: h\n  role: slave', 'entries "a" and "b" are the same deployment'],
    ['- host: a\n- host: b', "Input 'hosts': 2 hosts are masters (a, b). Fix: a cluster has one master"],
  ])('%j', (yaml, message) => {
    expect(() => hosts(yaml)).toThrow(message);
  });
});

describe('jump', () => {
  const at = { input: 'hosts', host: 'h', key: 'jump' };
  test.each([
    ['ops@bastion:2200', { user: 'ops', host: 'bastion', port: 2200 }],
    ['bastion', { user: 'deploy', host: 'bastion', port: 22 }],
    ['ops@10.0.0.1', { user: 'ops', host: '10.0.0.1', port: 22 }],
    ['bastion:2222', { user: 'deploy', host: 'bastion', port: 2222 }],
    ['ops@[2001:db8::1]:2200', { user: 'ops', host: '2001:db8::1', port: 2200 }],
  ])('%s', (value, expected) => {
    expect(parseJump(at, value, 'deploy')).toEqual(expected);
  });
  test.each([
    ['ops@bastion:', /is not a port number/],
    ['ops@bastion:99999', /is not a port number/],
    ['2001:db8::1', /is not user@host:port/],
    ['-oProxyCommand=x@bastion', /is not a valid user name/],
    ['ops@bad host', /is not a host name/],
  ])('%s is refused', (value, message) => {
    expect(() => parseJump(at, value, 'deploy')).toThrow(message);
  });
});
