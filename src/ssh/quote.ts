/**
 * The one place where values become shell text. Every remote command is an argv list joined here, or a
 * fixed template whose variable parts went through `shq()`; nothing else concatenates values into a
 * command line (docs/architecture.md).
 */
import type { RemoteCommand } from './types.js';

// Words made only of these characters mean the same quoted or not, so they stay bare for readable logs.
// `=` is left out (a bare `A=b` first word is an assignment) and so is `~` (tilde expansion).
const SAFE_WORD = /^[A-Za-z0-9_\-.,:/@%+]+$/;

/** Quotes one word for a POSIX shell: the shell sees exactly `s`, whatever it contains. */
export function shq(s: string): string {
  if (s.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (SAFE_WORD.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Joins an argument list into one shell command line, every word quoted by `shq`. */
export function shellJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(shq).join(' ');
}

/**
 * Runs a command as root through `sudo -n` (never prompts: a sudo that wants a password fails at once
 * instead of hanging the step). A script is handed to `sh -c` as one quoted word so its pipes and
 * redirections run as root too, not just its first command.
 */
export function sudoWrap(cmd: Pick<RemoteCommand, 'argv' | 'script'>): { argv: string[] } | { script: string } {
  if (cmd.argv) return { argv: ['sudo', '-n', '--', ...cmd.argv] };
  if (cmd.script !== undefined) return { script: `sudo -n sh -c ${shq(cmd.script)}` };
  throw new Error('a remote command needs argv or script');
}

/** The exact text sent to the remote shell for `cmd`; `sudo` is the host's `sudo: true`. */
export function commandText(cmd: RemoteCommand, sudo: boolean): string {
  if ((cmd.argv === undefined) === (cmd.script === undefined)) {
    throw new Error(`remote command "${cmd.label}" must set exactly one of argv and script`);
  }
  const c: { argv?: string[]; script?: string } = sudo && cmd.privileged ? sudoWrap(cmd) : cmd;
  return c.argv ? shellJoin(c.argv) : (c.script as string);
}
