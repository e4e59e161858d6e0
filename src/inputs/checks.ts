/** The `checks` list and the `log-error-patterns` of the logs check. */
import { ALL_CHECKS, type CheckName } from '../settings.js';
import { InputError, didYouMean, quote } from './errors.js';

/** `auto`, or a list of check names separated by commas, spaces or new lines. */
export function parseChecks(value: string): CheckName[] | 'auto' {
  const names = value
    .split(/[\s,]+/)
    .map((name) => name.toLowerCase())
    .filter((name) => name !== '');
  if (names.length === 1 && names[0] === 'auto') return 'auto';
  if (names.includes('auto')) {
    throw new InputError('checks', 'mixes auto with named checks', {
      fix: 'give either auto or a list of checks',
    });
  }
  if (names.length === 0) {
    throw new InputError('checks', 'is empty', { fix: `give auto or some of ${ALL_CHECKS.join(', ')}` });
  }
  for (const name of names) {
    if (!(ALL_CHECKS as readonly string[]).includes(name)) {
      throw new InputError('checks', `${quote(name)} is not a check`, {
        fix: `${didYouMean(name, ALL_CHECKS)}use auto or some of ${ALL_CHECKS.join(', ')}`,
      });
    }
  }
  return ALL_CHECKS.filter((name) => names.includes(name));
}

/** One regular expression per line; blank lines ignored. */
export function parseLogPatterns(value: string): RegExp[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, index) => {
      try {
        return new RegExp(line);
      } catch (error) {
        const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : '';
        throw new InputError(
          'log-error-patterns',
          `pattern ${index + 1} ${quote(line)} is not a valid regular expression (${reason})`,
          {
            fix: 'escape special characters with \\ (e.g. \\[FATAL\\]); one pattern per line',
          },
        );
      }
    });
}
