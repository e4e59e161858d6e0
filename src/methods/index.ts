/** Picks the deployment method of a host. */
import type { HostSpec } from '../settings.js';
import { ComposeMethod } from './compose.js';
import { DockerMethod } from './docker.js';
import { SourceMethod } from './source.js';
import type { DeployMethod, MethodOptions, NodeState, ServiceControl } from './types.js';

/** A method that can also stop and start its New API (used around a database restore). */
export type ManagedMethod = DeployMethod & { serviceControl(state: NodeState): ServiceControl };

export function createMethod(host: HostSpec, opts: MethodOptions = {}): ManagedMethod {
  switch (host.method) {
    case 'docker':
      return new DockerMethod(host, opts);
    case 'compose':
      return new ComposeMethod(host, opts);
    case 'source':
      return new SourceMethod(host);
  }
}
