/** Booleans, integers and enums: the scalar input types, each with an error that says what is accepted. */
import { InputError, didYouMean, quote } from './errors.js';

// The YAML 1.2 core schema, as @actions/core's getBooleanInput accepts it. `yes`/`on` are YAML 1.1 and are
// refused rather than guessed at, with a hint.
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];
const YAML11_TRUE = /^(y|yes|on|1)$/i;
const YAML11_FALSE = /^(n|no|off|0)$/i;

export function parseBoolean(input: string, raw: string): boolean {
  if (TRUE_VALUES.includes(raw)) return true;
  if (FALSE_VALUES.includes(raw)) return false;
  const hint = YAML11_TRUE.test(raw) ? ' (write true)' : YAML11_FALSE.test(raw) ? ' (write false)' : '';
  throw new InputError(input, `${quote(raw)} is not a boolean`, { fix: `use true or false${hint}` });
}

export function parseInteger(input: string, raw: string, min: number, max: number): number {
  if (!/^\+?\d+$/.test(raw)) {
    const unit = /^\d+\s*[a-z]+$/i.test(raw) ? ' without a unit' : '';
    throw new InputError(input, `${quote(raw)} is not a whole number`, {
      fix: `give a whole number${unit} between ${min} and ${max}`,
    });
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new InputError(input, `${value} is out of range`, { fix: `give a whole number between ${min} and ${max}` });
  }
  return value;
}

export function parseEnum<T extends string>(input: string, raw: string, allowed: readonly T[]): T {
  const value = raw.toLowerCase();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(input, `${quote(raw)} is not one of ${allowed.join(', ')}`, {
    fix: `${didYouMean(raw, allowed)}use one of ${allowed.join(', ')}`,
  });
}
