/** The checks as the rollout consumes them (rollout/ports.ts `CheckPorts`). */
import type { CheckPorts } from '../rollout/ports.js';
import { takeBaseline } from './baseline.js';
import { runChecklist } from './checklist.js';
import { apiClient } from './newapi-client.js';
import { selectChecks } from './plan.js';
import { systemClock, waitReady, waitServing, watchStability, type Clock, type ReadinessOutcome } from './readiness.js';
import type { CheckContext, CheckResult } from './types.js';

export function checkPorts(clock: Clock = systemClock): CheckPorts {
  // What readiness saw (the new start_time and container state) is the reference for the stability watch.
  const readiness = new WeakMap<CheckContext, ReadinessOutcome>();
  const withSkipped = (ctx: CheckContext, results: CheckResult[]): CheckResult[] => [
    ...results,
    ...selectChecks(ctx.settings, ctx.host).skipped,
  ];
  return {
    baseline: (exec, _host, settings) => takeBaseline(apiClient(exec, settings), settings),
    async ready(ctx) {
      const outcome = await waitReady(ctx, { healthTimeoutMs: ctx.settings.healthTimeoutSeconds * 1000, clock });
      readiness.set(ctx, outcome);
      return outcome.result;
    },
    async checklist(ctx) {
      return withSkipped(ctx, await runChecklist(ctx, selectChecks(ctx.settings, ctx.host).run));
    },
    async stability(ctx) {
      const results = await watchStability(ctx, selectChecks(ctx.settings, ctx.host).run, {
        stabilityMs: ctx.settings.stabilitySeconds * 1000,
        clock,
        since: readiness.get(ctx),
      });
      return withSkipped(ctx, results);
    },
    serving: (exec, version, timeoutMs) => waitServing(exec, version, timeoutMs, clock),
  };
}
