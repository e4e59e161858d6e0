import * as core from '@actions/core';
import { readSettings } from './inputs.js';

export async function run(): Promise<void> {
  try {
    const settings = readSettings();
    core.info(`Inputs are valid: ${settings.hosts.length} host(s), version ${settings.version}`);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
