/**
 * A network namespace for the action under test, with its own address on the bed's bridge. Everything the
 * action sends leaves through it, so two facts hold that no shared log could give: what a bed host's sshd
 * logs from this address came from this test and no other, and the namespace's packet counters show
 * whether the action sent anything at all. IPv6 is off so that the kernel itself sends nothing (no router
 * solicitation or duplicate address detection): a counter that moved means the action spoke.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';

/** The bed's bridge and gateway (test/bed/lib.sh: BRIDGE, BRIDGE_IP). */
export const BED_BRIDGE = 'nau-br0';
export const BED_GATEWAY = '10.77.0.1';

export interface RunnerNetns {
  name: string;
  address: string;
  /** Packets sent so far on every interface of the namespace (loopback included). */
  packetsSent(): number;
  /** `ip netns exec` prefix: run `[...prefix, command, ...args]`. */
  prefix: string[];
  close(): void;
}

const ip = (args: string[], options: ExecFileSyncOptions = {}): string =>
  execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }) as string;

function quietly(args: string[]): void {
  try {
    ip(args);
  } catch {
    // Nothing to remove.
  }
}

/**
 * Creates namespace `name` (a `nau-` name, so `bed.sh down` removes a leftover too) at `address`/24 on the
 * bed's bridge. `veth` is the bridge-side interface name (at most 15 characters). Replaces a leftover of a
 * crashed earlier run.
 */
export function openRunnerNetns(name: string, address: string, veth: string): RunnerNetns {
  quietly(['netns', 'del', name]);
  quietly(['link', 'del', veth]);
  ip(['netns', 'add', name]);
  try {
    ip([
      'netns',
      'exec',
      name,
      'sysctl',
      '-qw',
      'net.ipv6.conf.all.disable_ipv6=1',
      'net.ipv6.conf.default.disable_ipv6=1',
    ]);
    ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
    ip(['link', 'set', veth, 'master', BED_BRIDGE, 'up']);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    ip(['-n', name, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    ip(['-n', name, 'link', 'set', 'eth0', 'up']);
    ip(['-n', name, 'route', 'add', 'default', 'via', BED_GATEWAY]);
  } catch (e) {
    quietly(['netns', 'del', name]);
    throw e;
  }
  return {
    name,
    address,
    prefix: ['ip', 'netns', 'exec', name],
    packetsSent: () => {
      const links = JSON.parse(ip(['-n', name, '-s', '-j', 'link', 'show'])) as {
        stats64: { tx: { packets: number } };
      }[];
      return links.reduce((sum, link) => sum + link.stats64.tx.packets, 0);
    },
    close: () => {
      quietly(['netns', 'del', name]);
      quietly(['link', 'del', veth]);
    },
  };
}
