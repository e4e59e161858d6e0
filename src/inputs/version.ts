/**
 * Syntax of the `version` input. Which release it means is decided later against the release list
 * (src/versions); here only its shape is checked, so that a typo or shell syntax stops the run at once.
 */
import semver from 'semver';
import { InputError, quote } from './errors.js';

const KEYWORDS = ['latest', 'previous'];
/** Tags seen upstream: v0.9.6, 0.9.6, v0.8.8.3, v0.12.0-alpha.2, v0.9.20-patch.1, nightly-20260409-44fc10b. */
const TAG = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
/** Range syntax (`~0.9`, `>=0.9.4 <0.10`, `^1 || ^2`). `<`, `>` and `|` are fine: a range never reaches a shell. */
const RANGE = /^[0-9A-Za-z.*+~^<>=| -]{1,256}$/;
const SHELL = /[;&$`'"\\(){}!#\n\r\t]/;

/**
 * @param value the input, already defaulted
 * @param origin where the value came from when it was not typed by the user (the release event's tag)
 */
export function parseVersion(value: string, origin?: string): string {
  const lower = value.toLowerCase();
  if (KEYWORDS.includes(lower)) return lower;
  if (TAG.test(value)) return value;
  // Strict parsing: loose mode silently drops what it cannot read ("0.9 garbage" becomes 0.9.x).
  const alternativesGiven = value.split('||').every((part) => part.trim() !== '');
  if (RANGE.test(value) && alternativesGiven && semver.validRange(value) !== null) return value.replace(/\s+/g, ' ');
  const from = origin ? ` (${origin})` : '';
  if (SHELL.test(value)) {
    throw new InputError('version', `${quote(value)}${from} contains shell syntax`, {
      fix: 'give latest, previous, a release tag (v0.9.6) or a semver range (~0.9)',
    });
  }
  throw new InputError(
    'version',
    `${quote(value)}${from} is neither latest, previous, a release tag nor a semver range`,
    {
      fix: 'give latest, previous, a release tag (v0.9.6) or a semver range such as ~0.9 or ">=0.9.4 <0.10"',
    },
  );
}
