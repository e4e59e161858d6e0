/**
 * Where preflight time goes when many hosts are contacted at once: the SSH handshake (key exchange and
 * public-key authentication) and the cost of one command on an open connection (a session channel: sshd
 * forks, the login shell starts, the command runs), for 1 host alone and for N hosts in parallel. Uses ssh2,
 * the library the action's node-ssh is built on, with the bed's key and known_hosts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { median } from './stats.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('ssh2');

function knownKeys(bed, address) {
  return readFileSync(bed.knownHosts, 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([host]) => host === address)
    .map(([, , b64]) => Buffer.from(b64, 'base64'));
}

function connect(bed, host) {
  const keys = knownKeys(bed, host.address);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => {
      // As the action does (src/ssh/connection.ts): without it, Nagle and delayed ACKs add ~80 ms per command.
      c.setNoDelay(true);
      resolve({ client: c, ms: Date.now() - started });
    });
    c.on('error', reject);
    c.connect({
      host: host.address,
      port: host.port,
      username: host.user,
      privateKey: readFileSync(bed.sshKey),
      readyTimeout: 30_000,
      hostVerifier: (key) => keys.some((k) => k.equals(key)),
    });
  });
}

function exec(client, command) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) return reject(err);
      ch.on('data', () => {});
      ch.stderr.on('data', () => {});
      ch.on('close', () => resolve(Date.now() - started));
    });
  });
}

/**
 * For `hosts` in parallel: each host's handshake, then `repeat` runs of each command in sequence on its
 * connection. Resolves {handshakeMs, wallMs, execMs: {command: median ms}} (medians over every host).
 */
export async function profileSsh(bed, hosts, commands, repeat = 5) {
  const started = Date.now();
  const conns = await Promise.all(hosts.map((h) => connect(bed, h)));
  const per = Object.fromEntries(commands.map((c) => [c, []]));
  await Promise.all(
    conns.map(async ({ client }) => {
      for (const c of commands) for (let i = 0; i < repeat; i++) per[c].push(await exec(client, c));
    }),
  );
  for (const { client } of conns) client.end();
  return {
    handshakeMs: median(conns.map((c) => c.ms)),
    wallMs: Date.now() - started,
    execMs: Object.fromEntries(commands.map((c) => [c, median(per[c])])),
  };
}
