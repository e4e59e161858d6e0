import { InputError } from '../../src/inputs/errors.js';
import { parseBoolean, parseEnum, parseInteger } from '../../src/inputs/scalars.js';

describe('parseBoolean (YAML 1.2 core schema, like getBooleanInput)', () => {
  test.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('%s → %s', (raw, expected) => {
    expect(parseBoolean('dry-run', raw)).toBe(expected);
  });

  test.each([
    ['yes', /"yes" is not a boolean.*write true/],
    ['off', /write false/],
    ['tru', /"tru" is not a boolean. Fix: use true or false$/],
  ])('refuses %s with a hint', (raw, message) => {
    expect(() => parseBoolean('dry-run', raw)).toThrow(message);
    expect(() => parseBoolean('dry-run', raw)).toThrow(/^Input 'dry-run'/);
  });
});

describe('parseInteger', () => {
  test.each([
    ['1', 1],
    ['600', 600],
    ['+20', 20],
  ])('accepts %s within 1..600', (raw, expected) => {
    expect(parseInteger('ssh-timeout', raw, 1, 600)).toBe(expected);
  });

  test.each([
    ['0', /0 is out of range. Fix: give a whole number between 1 and 600/],
    ['601', /601 is out of range/],
    ['1.5', /"1.5" is not a whole number/],
    ['-3', /"-3" is not a whole number/],
    ['30s', /without a unit/],
    ['abc', /"abc" is not a whole number/],
  ])('refuses %s', (raw, message) => {
    expect(() => parseInteger('ssh-timeout', raw, 1, 600)).toThrow(message);
  });
});

describe('parseEnum', () => {
  test('accepts an allowed value in any case', () => {
    expect(parseEnum('order', 'Slaves-First', ['master-first', 'slaves-first'])).toBe('slaves-first');
  });

  test('refuses another value, suggesting the closest', () => {
    const call = () => parseEnum('order', 'slave-first', ['master-first', 'slaves-first']);
    expect(call).toThrow(InputError);
    expect(call).toThrow(
      "Input 'order': \"slave-first\" is not one of master-first, slaves-first. Fix: did you mean 'slaves-first'? use one of master-first, slaves-first",
    );
  });
});
