/**
 * Assembles the real implementations behind the rollout's narrow ports: SSH connections, deployment
 * methods, the checklist and backups, and a logger that masks every secret.
 */
import * as core from '@actions/core';
import { checkPorts } from './checks/ports.js';
import type { DeploymentRef } from './report/deployment.js';
import { createMethod } from './methods/index.js';
import { backupPorts } from './methods/backup-runner.js';
import type { Logger, RolloutPorts } from './rollout/ports.js';
import type { HostSpec, Settings } from './settings.js';
import { connect, type SshExecutor } from './ssh/connection.js';
import type { Masker } from './ssh/secrets.js';

/** What the signal handlers and the run share. */
export interface RunIo {
  cancelled: boolean;
  deployment?: DeploymentRef;
}

export function maskedLogger(masker: Masker): Logger {
  return {
    info: (m) => core.info(masker.mask(m)),
    warn: (m) => core.warning(masker.mask(m)),
    error: (m) => core.error(masker.mask(m)),
    group: (title, fn) => core.group(masker.mask(title), fn),
  };
}

export function realPorts(settings: Settings, masker: Masker): RolloutPorts {
  return {
    methodFor: (host) => createMethod(host, settings),
    checks: checkPorts(),
    backups: backupPorts(),
    log: maskedLogger(masker),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

/** One SSH connection per host, with the run's credentials, host keys and timeouts. */
export function connector(settings: Settings, masker: Masker, log: Logger): (host: HostSpec) => Promise<SshExecutor> {
  return (host) =>
    connect(host, {
      privateKey: settings.sshPrivateKey,
      passphrase: settings.sshPassphrase,
      password: settings.sshPassword,
      knownHosts: settings.sshKnownHosts ?? '',
      insecureSkipHostKeyCheck: settings.sshInsecureSkipHostKeyCheck,
      connectTimeoutMs: settings.sshTimeoutSeconds * 1000,
      commandTimeoutMs: settings.commandTimeoutSeconds * 1000,
      log: (line) => core.info(line),
      warn: (line) => log.warn(line),
      mask: (text) => masker.mask(text),
    });
}
