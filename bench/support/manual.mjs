/**
 * The baseline: New API's update guide done by hand over plain OpenSSH. The guide's four commands
 * (docker pull, docker stop, docker rm, docker run "with the same parameters"), sent as ONE ssh command so
 * no human typing delay is counted: the fastest the manual procedure can be.
 *
 * "The same parameters" are read from the running container before the timed part starts, as a careful
 * operator would copy them: the environment the user set (the container's minus the image's), bind mounts,
 * published ports, restart policy always, as in the guide.
 */
import { join } from 'node:path';
import { run, runOk, REPO_ROOT } from './bed.mjs';

const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

async function hostExec(host, script) {
  return (await runOk('bash', [join(REPO_ROOT, 'test/bed/bed.sh'), 'exec', host, 'bash', '-c', script])).stdout;
}

/** The guide's `docker run` for `tag`, with the parameters of the container `name` runs now. */
export async function guideRunCommand(bed, host, tag, name = 'new-api') {
  const inspect = JSON.parse(await hostExec(host, `docker inspect ${shq(name)}`))[0];
  const image = JSON.parse(await hostExec(host, `docker image inspect ${shq(inspect.Image)}`))[0];
  const imageEnv = new Set(image.Config?.Env ?? []);
  const args = ['docker', 'run', '--name', name, '-d', '--restart', 'always'];
  for (const [port, bindings] of Object.entries(inspect.HostConfig.PortBindings ?? {})) {
    for (const b of bindings ?? [])
      args.push('-p', `${b.HostIp ? `${b.HostIp}:` : ''}${b.HostPort}:${port.split('/')[0]}`);
  }
  for (const e of inspect.Config.Env ?? []) if (!imageEnv.has(e)) args.push('-e', e);
  for (const v of inspect.HostConfig.Binds ?? []) args.push('-v', v);
  args.push(`${bed.image}:${tag}`);
  return args.map(shq).join(' ');
}

/** The guide's procedure for `host`, as one shell text. */
export async function guideUpdateScript(bed, host, tag) {
  return [
    `docker pull ${shq(`${bed.image}:${tag}`)} >/dev/null`,
    'docker stop new-api >/dev/null',
    'docker rm new-api >/dev/null',
    `${await guideRunCommand(bed, host, tag)} >/dev/null`,
  ].join(' && ');
}

/** Runs `script` on a bed host over plain OpenSSH (a fresh connection, host key verified). */
export function ssh(bed, host, script) {
  const h = bed.hosts.find((x) => x.name === host);
  return run('ssh', [
    '-i',
    bed.sshKey,
    '-o',
    `UserKnownHostsFile=${bed.knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-p',
    String(h.port),
    `${h.user}@${h.address}`,
    script,
  ]);
}
