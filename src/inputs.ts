/**
 * The only module that reads the action's inputs. It reads every input the way @actions/core's getInput does
 * (`INPUT_<NAME>` with spaces as underscores, upper-cased, hyphens kept, trimmed), masks every secret before
 * anything can log it, and hands the rest to the pure parser in ./inputs/.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import type { Settings } from './settings.js';
import { INPUT_NAMES, SECRET_INPUTS, type RawInputs } from './inputs/defaults.js';
import { parseSettings } from './inputs/parse.js';
import { secretVariants } from './inputs/secrets.js';

export { InputError } from './inputs/errors.js';
export { DEFAULTS } from './inputs/defaults.js';

/** The part of the workflow run that input defaults depend on. */
export interface EventContext {
  eventName: string;
  payload: { release?: { tag_name?: unknown }; [key: string]: unknown };
}

export function readRawInputs(env: NodeJS.ProcessEnv): RawInputs {
  const raw = {} as RawInputs;
  for (const name of INPUT_NAMES) {
    raw[name] = (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  }
  return raw;
}

/**
 * Reads, masks and validates every input. Throws InputError (naming the input, the host and the fix) on bad
 * input; nothing has touched a host at that point.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env, context: EventContext = github.context): Settings {
  const raw = readRawInputs(env);
  const masked = new Set<string>();
  const mask = (secrets: string[]): void => {
    for (const secret of secrets) {
      if (!masked.has(secret)) core.setSecret(secret);
      masked.add(secret);
    }
  };
  // Masked before parsing: a validation error must not be able to print one.
  mask(SECRET_INPUTS.flatMap((name) => (raw[name] ? secretVariants(raw[name]) : [])));

  const tag = context.payload.release?.tag_name;
  const { settings, warnings } = parseSettings(raw, {
    env,
    eventName: context.eventName,
    releaseTag: typeof tag === 'string' ? tag : undefined,
  });
  mask(settings.secrets);
  for (const warning of warnings) core.warning(warning);
  return settings;
}
