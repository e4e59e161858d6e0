import type { CheckName, HostSpec, Settings } from '../settings.js';
import type { Executor } from '../ssh/types.js';
import type { NodeState, RuntimeState } from '../methods/types.js';

export type CheckStatus = 'pass' | 'fail' | 'skipped';

export interface CheckResult {
  name: CheckName;
  status: CheckStatus;
  /** One line: what was seen ("v0.9.6 reported", "channel 3 'openai' went from enabled to auto-disabled"). */
  detail: string;
  /** Offending lines quoted for the report (log lines, response bodies), already trimmed. */
  evidence?: string[];
}

/** Taken before the node is touched, compared after. */
export interface Baseline {
  startTime?: number;
  version?: string;
  /** channel id → status (1 enabled, 2 manually disabled, 3 auto-disabled). */
  channels?: Record<number, number>;
  /** Why `channels` is missing although admin credentials were given (2FA, rate limit, rejected login). */
  channelsUnavailable?: string;
}

export interface CheckContext {
  exec: Executor;
  host: HostSpec;
  settings: Settings;
  /** Target tag the node must now report. */
  target: string;
  baseline: Baseline;
  state: NodeState;
  /** Unix seconds when the new process was started (for log windows). */
  startedAtUnix: number;
  /** Reads the node's logs since the new start. */
  logs(): Promise<string>;
  runtime(): Promise<RuntimeState>;
}

export interface Check {
  readonly name: CheckName;
  run(ctx: CheckContext): Promise<CheckResult>;
}
