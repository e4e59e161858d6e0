/**
 * action.yml is what users read and what the runner applies; src/inputs/defaults.ts is what the code applies
 * (also outside GitHub). These tests keep the two the same.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  CONTEXT_DEFAULTS,
  DEFAULTS,
  INPUT_NAMES,
  OUTPUT_NAMES,
  type InputName,
  type RawInputs,
} from '../../src/inputs/defaults.js';
import { parseSettings } from '../../src/inputs/parse.js';
import { validRaw } from './inputs-fixtures.js';

interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}
const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
  runs: Record<string, string>;
};
const staticDefaults: Partial<Record<InputName, string>> = DEFAULTS;
const contextDefaults: Partial<Record<InputName, string>> = CONTEXT_DEFAULTS;

test('action.yml declares exactly the inputs the code reads, in the same order', () => {
  expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES]);
});

test('action.yml declares exactly the outputs of the contract', () => {
  expect(Object.keys(action.outputs)).toEqual([...OUTPUT_NAMES]);
});

test.each(INPUT_NAMES.map((name) => [name]))('%s: action.yml default = code default', (name) => {
  const documented = action.inputs[name].default;
  const expected = staticDefaults[name] ?? contextDefaults[name];
  if (expected === undefined) expect(documented ?? '').toBe('');
  else expect(documented).toBe(expected);
});

test('every input and output has a one-line description', () => {
  for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
    expect([name, spec.description?.trim() ? 'described' : 'missing']).toEqual([name, 'described']);
    expect(spec.description).not.toContain('\n');
  }
});

test('hosts is the only required input', () => {
  const required = Object.entries(action.inputs).filter(([, spec]) => spec.required === true);
  expect(required.map(([name]) => name)).toEqual(['hosts']);
});

test('the action runs the one bundle on node24, also as the always-run post step (it reads the isPost state)', () => {
  expect(action.runs).toEqual({
    using: 'node24',
    main: 'dist/index.js',
    post: 'dist/index.js',
    'post-if': 'always()',
  });
});

test('inputs left empty give the same settings as inputs set to the documented defaults', () => {
  const documented = Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([name, spec]) => spec.default !== undefined && !(name in CONTEXT_DEFAULTS))
      .map(([name, spec]) => [name, spec.default]),
  ) as Partial<RawInputs>;
  const context = { env: {}, eventName: 'push' };
  expect(parseSettings(validRaw(documented), context)).toEqual(parseSettings(validRaw(), context));
});
