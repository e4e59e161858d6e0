/**
 * Private OpenSSH sshd instances on 127.0.0.1 for the SSH integration tests: each has its own host keys,
 * config and authorized_keys in a temp dir, and runs in the foreground (`-D -e`) so stopping it is
 * killing one process we started. Needs root (sshd, useradd, sudoers).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface KeyPair {
  privateKey: string;
  /** `type base64 comment` */
  publicKey: string;
}

/** A key made by ssh-keygen: OpenSSH format unless `pem`, encrypted when a passphrase is given. */
export function generateKey(
  type: 'ed25519' | 'rsa' | 'ecdsa',
  opts: { pem?: boolean; passphrase?: string } = {},
): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'nau-key-'));
  try {
    const file = join(dir, 'key');
    const args = ['-q', '-t', type, '-N', opts.passphrase ?? '', '-C', `test-${type}`, '-f', file];
    if (type === 'rsa') args.push('-b', '2048');
    if (opts.pem) args.push('-m', 'PEM');
    execFileSync('ssh-keygen', args);
    return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Creates a local user with a password if missing; `sudo` adds a sudoers rule for it. */
export function ensureUser(name: string, password: string, sudo?: 'password' | 'nopasswd'): void {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/sh', name]);
  }
  execFileSync('chpasswd', { input: `${name}:${password}\n` });
  if (sudo) {
    const rule = sudo === 'nopasswd' ? `${name} ALL=(ALL) NOPASSWD: ALL\n` : `${name} ALL=(ALL) ALL\n`;
    const file = `/etc/sudoers.d/${name.replace(/[^a-z0-9_-]/gi, '_')}`;
    writeFileSync(file, rule, { mode: 0o440 });
  }
}

export interface SshdOptions {
  allowTcpForwarding?: boolean;
  /** Public keys allowed for every user. */
  authorizedKeys: string[];
  /** Replaces PATH in sessions (to hide tools like curl). */
  sessionPath?: string;
}

export interface HostKey {
  type: string;
  /** `type base64` as in a .pub file, without comment. */
  publicLine: string;
  fingerprint: string;
}

export class Sshd {
  readonly hostKeys: HostKey[] = [];
  private proc?: ChildProcess;
  private stderr = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(opts: SshdOptions): Promise<Sshd> {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const dir = mkdtempSync(join(tmpdir(), 'nau-sshd-'));
    // authorized_keys is read with the user's privileges: the path must be readable by test users.
    chmodSync(dir, 0o755);
    const sshd = new Sshd(dir, await freePort());
    const hostKeyLines: string[] = [];
    for (const type of ['ed25519', 'ecdsa', 'rsa']) {
      const file = join(dir, `ssh_host_${type}_key`);
      const args = ['-q', '-t', type, '-N', '', '-f', file];
      if (type === 'rsa') args.push('-b', '2048');
      execFileSync('ssh-keygen', args);
      const [t, b64] = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/);
      const fp = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(/\s+/)[1];
      sshd.hostKeys.push({ type: t, publicLine: `${t} ${b64}`, fingerprint: fp });
      hostKeyLines.push(`HostKey ${file}`);
    }
    const authorized = join(dir, 'authorized_keys');
    writeFileSync(authorized, opts.authorizedKeys.join('\n') + '\n', { mode: 0o644 });
    const config = [
      `ListenAddress 127.0.0.1:${sshd.port}`,
      ...hostKeyLines,
      'PidFile none',
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      `AuthorizedKeysFile ${authorized}`,
      `AllowTcpForwarding ${opts.allowTcpForwarding === false ? 'no' : 'yes'}`,
      'MaxStartups 50',
      'MaxSessions 50',
      'LogLevel VERBOSE',
      ...(opts.sessionPath ? [`SetEnv PATH=${opts.sessionPath}`] : []),
    ];
    const cfg = join(dir, 'sshd_config');
    writeFileSync(cfg, config.join('\n') + '\n');
    execFileSync(SSHD, ['-t', '-f', cfg]);
    const proc = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd.proc = proc;
    proc.stderr?.on('data', (c: Buffer) => {
      sshd.stderr += c.toString();
    });
    await sshd.waitReady();
    return sshd;
  }

  /** sshd's own log (stderr), for diagnosing a failing test. */
  get log(): string {
    return this.stderr;
  }

  get pid(): number {
    return this.proc?.pid as number;
  }

  /** known_hosts line for this instance, `[127.0.0.1]:port type key`; the first host key by default. */
  knownHostsLine(type?: string): string {
    const key = type ? this.hostKeys.find((k) => k.type === type) : this.hostKeys[0];
    if (!key) throw new Error(`no ${type} host key`);
    return `[127.0.0.1]:${this.port} ${key.publicLine}`;
  }

  /** All host keys as known_hosts lines. */
  knownHosts(): string {
    return this.hostKeys.map((k) => `[127.0.0.1]:${this.port} ${k.publicLine}`).join('\n') + '\n';
  }

  /** The per-connection sshd processes (children of the listener). */
  sessionPids(): number[] {
    const pids: number[] = [];
    const parents = new Set([this.pid]);
    // Walk the tree breadth-first: listener → per-connection monitor → session child.
    for (let grew = true; grew; ) {
      grew = false;
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        let stat: string;
        try {
          stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        } catch {
          continue;
        }
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const pid = Number(entry);
        if (parents.has(ppid) && !parents.has(pid)) {
          parents.add(pid);
          pids.push(pid);
          grew = true;
        }
      }
    }
    return pids;
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null) {
      const children = this.sessionPids();
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      for (const pid of children) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.proc?.exitCode !== null) throw new Error(`sshd exited: ${this.stderr}`);
      const banner = await new Promise<string>((resolve) => {
        const s = net.connect(this.port, '127.0.0.1');
        s.setTimeout(1000);
        s.once('data', (d) => {
          s.destroy();
          resolve(d.toString());
        });
        s.once('error', () => resolve(''));
        s.once('timeout', () => {
          s.destroy();
          resolve('');
        });
      });
      if (banner.startsWith('SSH-2.0')) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`sshd on port ${this.port} did not come up: ${this.stderr}`);
  }
}
