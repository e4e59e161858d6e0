import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { commandText, shellJoin, shq, sudoWrap } from '../../src/ssh/quote.js';

/** What a real POSIX shell makes of `text`: the arguments it passes to printf. */
function shellWords(text: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${text}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const NASTY = [
  'plain',
  'two words',
  "it's",
  "''",
  '"double" and \'single\'',
  '$(id)',
  '`id`',
  '${HOME}',
  '$HOME',
  'a;b',
  'a && b || c',
  'line1\nline2\n',
  '*',
  '?',
  '[a-z]',
  '~',
  '~root',
  'back\\slash',
  '',
  ' ',
  '\t',
  '-n',
  '--',
  'A=b',
  '#comment',
  '!',
  '> /tmp/x',
  '<(x)',
  '{a,b}',
  'ünïcödé ✓',
];

describe('shq', () => {
  test.each(NASTY)('the shell sees exactly %j', (s) => {
    expect(shellWords(shq(s))).toEqual([s]);
  });

  test('random strings of shell metacharacters survive', () => {
    const alphabet = `ab '"\\$\`;&|<>(){}[]*?~!#=\n\t%^-`;
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const words = Array.from({ length: 200 }, () =>
      Array.from({ length: Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(''),
    );
    expect(shellWords(shellJoin(words))).toEqual(words);
  });

  test('plain words stay bare for readable logs; assignments, tildes and the empty string do not', () => {
    expect(shq('docker')).toBe('docker');
    expect(shq('/opt/new-api')).toBe('/opt/new-api');
    expect(shq('127.0.0.1:5000/calciumion/new-api:v0.9.6')).toBe('127.0.0.1:5000/calciumion/new-api:v0.9.6');
    expect(shq('A=b')).toBe("'A=b'");
    expect(shq('~')).toBe("'~'");
    expect(shq('')).toBe("''");
  });

  test('a NUL byte cannot be passed to a shell and is refused', () => {
    expect(() => shq('a\0b')).toThrow(/NUL/);
  });
});

describe('shellJoin', () => {
  test('quotes every word', () => {
    expect(shellJoin(['docker', 'inspect', '--format', '{{json .Config}}', 'new api'])).toBe(
      "docker inspect --format '{{json .Config}}' 'new api'",
    );
  });

  test('an empty command is a bug, not an empty line', () => {
    expect(() => shellJoin([])).toThrow(/empty command/);
  });
});

describe('sudoWrap and commandText', () => {
  test('argv gets `sudo -n --` in front', () => {
    expect(sudoWrap({ argv: ['docker', 'ps'] })).toEqual({ argv: ['sudo', '-n', '--', 'docker', 'ps'] });
  });

  test('a script runs whole under `sudo -n sh -c`, as one quoted word', () => {
    const script = "docker ps | grep 'new api' > /root/x";
    const wrapped = sudoWrap({ script });
    expect(wrapped).toEqual({ script: `sudo -n sh -c ${shq(script)}` });
    expect(shellWords(shq(script))).toEqual([script]);
  });

  test('privileged commands are wrapped only on sudo hosts', () => {
    const cmd = { label: 'x', argv: ['id', '-u'], privileged: true };
    expect(commandText(cmd, true)).toBe('sudo -n -- id -u');
    expect(commandText(cmd, false)).toBe('id -u');
    expect(commandText({ label: 'y', argv: ['id'] }, true)).toBe('id');
    expect(commandText({ label: 'z', script: 'echo $HOME', privileged: true }, true)).toBe(
      "sudo -n sh -c 'echo $HOME'",
    );
  });

  test('exactly one of argv and script', () => {
    expect(() => commandText({ label: 'both', argv: ['a'], script: 'b' }, false)).toThrow(/exactly one/);
    expect(() => commandText({ label: 'none' }, false)).toThrow(/exactly one/);
  });
});
