/** A host entry as the inventory parser produces it: the contract's defaults, then the test's own fields. */
import { HOST_DEFAULTS } from '../../src/inputs/defaults.js';
import type { HostSpec } from '../../src/settings.js';

export function hostSpec(over: Partial<HostSpec> & Pick<HostSpec, 'name' | 'host'>): HostSpec {
  return { ...HOST_DEFAULTS, ...over };
}
