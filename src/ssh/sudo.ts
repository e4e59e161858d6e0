/**
 * Preflight for `sudo: true`: privileged commands run through `sudo -n`, which fails instead of asking
 * for a password. Find that out before anything changes, with a message that says how to fix it.
 */
import type { Executor } from './types.js';

export class SudoError extends Error {
  constructor(
    readonly hostName: string,
    message: string,
  ) {
    super(`[${hostName}] ${message}`);
    this.name = 'SudoError';
  }
}

export async function probeSudo(exec: Executor): Promise<void> {
  const { name, user, host } = exec.host;
  const r = await exec.run({ label: 'check passwordless sudo', argv: ['sudo', '-n', 'true'], allowFailure: true });
  if (r.code === 0) return;
  const said = (r.stderr || r.stdout).trim().split('\n').pop() ?? '';
  const where = `user "${user}" on ${host}`;
  if (/password is required/i.test(said)) {
    throw new SudoError(
      name,
      `${where} cannot use sudo without a password (sudo -n: "${said}"). sudo: true needs a NOPASSWD rule, ` +
        `e.g. "${user} ALL=(root) NOPASSWD: ALL" in /etc/sudoers.d/, or connect as root.`,
    );
  }
  if (r.code === 127 || /not found/i.test(said)) {
    throw new SudoError(name, `sudo is not installed on ${host}, but the host has sudo: true`);
  }
  throw new SudoError(name, `${where} cannot use sudo (sudo -n true exited ${r.code}: "${said}")`);
}
