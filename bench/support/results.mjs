/**
 * Renders the bench's results: the summary table (printed and at the top of RESULTS.md) and RESULTS.md
 * with the method, the machine, every run's figures and the findings the numbers support.
 */
import { mean, median, ms, ratio, summary } from './stats.mjs';

const share = (x) => (x === undefined ? '—' : `${Math.round(x * 100)}%`);
const pct = (x) => (x === undefined ? '—' : `${(x * 100).toFixed(x === 1 ? 0 : 2)}%`);
const x2 = (r) => (r === undefined ? '—' : `${r.toFixed(2)}×`);
const mark = (ok) => (ok === undefined ? '' : ok ? 'met' : '**MISSED**');
const col = (rows, key) => (Array.isArray(rows) ? rows.map((r) => r[key]) : []);
const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;

/** The derived figures both renderers use. */
function figures(res) {
  const f = {};
  const s = res.single;
  if (s && !s.error) {
    f.actionDown = median(col(s.action, 'outageMs'));
    f.manualDown = median(col(s.manual, 'outageMs'));
    f.downRatio = ratio(f.actionDown, f.manualDown);
    f.actionDownMean = mean(col(s.action, 'outageMs'));
    f.manualDownMean = mean(col(s.manual, 'outageMs'));
    // Within one probe interval (by median and by mean) the two cannot be told apart by this prober.
    const step = res.settings.probeMs;
    f.downVerdict =
      f.downRatio <= 1
        ? 'met'
        : f.actionDown - f.manualDown <= step && f.actionDownMean - f.manualDownMean <= step
          ? 'tie'
          : 'missed';
  }
  const c = res.crash;
  if (Array.isArray(c)) {
    f.detect = median(col(c, 'detectMs'));
    f.recovery = median(col(c, 'recoveryMs'));
    f.crashOutage = median(col(c, 'outageMs'));
  }
  const p = res.preflight;
  if (p && !p.error) {
    f.pre = Object.fromEntries(Object.entries(p.runs).map(([n, rs]) => [n, median(rs.map((r) => r.ms))]));
    f.preRatio = ratio(f.pre[20], f.pre[1]);
  }
  const cl = res.cluster;
  if (cl && !cl.error) {
    f.avail = Math.min(...col(cl.action, 'availability'));
    f.availManual = Math.min(...col(cl.manual, 'availability'));
    f.allDown = Math.max(...col(cl.action, 'allDownMs'));
    f.allDownManual = Math.max(...col(cl.manual, 'allDownMs'));
  }
  return f;
}

export function renderTable(res) {
  const f = figures(res);
  const rows = [['Measurement', 'Action', 'Baseline (same run)', 'Ratio', 'Target', '']];
  const s = res.single;
  if (s?.error) rows.push(['Downtime of one node', `not measured: ${s.error}`, '', '', '', '']);
  else if (s) {
    rows.push([
      'Downtime of one node (longest `/api/status` failure, probed every 50 ms inside the host)',
      `${summary(col(s.action, 'outageMs'))}; mean ${ms(f.actionDownMean)}`,
      `guide's pull/stop/rm/run over ssh: ${summary(col(s.manual, 'outageMs'))}; mean ${ms(f.manualDownMean)}`,
      x2(f.downRatio),
      '≤ 1.00×',
      { met: 'met', tie: `not decidable: < ${res.settings.probeMs} ms apart`, missed: '**MISSED**' }[f.downVerdict],
    ]);
  }
  const c = res.crash;
  if (c?.error) rows.push(['Crash at boot', `not measured: ${c.error}`, '', '', '', '']);
  else if (c) {
    rows.push([
      `Crash at boot (${res.settings.crash}): swap start → failure verdict`,
      summary(col(c, 'detectMs')),
      `health-timeout ${ms(60_000)}`,
      x2(ratio(f.detect, 60_000)),
      '',
      '',
    ]);
    rows.push([
      'Crash at boot: verdict → old version serving again',
      summary(col(c, 'recoveryMs')),
      f.manualDown !== undefined ? `guide's rollback by hand (same 4 commands): ${ms(f.manualDown)}` : '—',
      x2(ratio(f.recovery, f.manualDown)),
      '',
      '',
    ]);
    rows.push(['Crash at boot: longest outage of the node', summary(col(c, 'outageMs')), '', '', '', '']);
  }
  const n = res.noop;
  if (n?.error) rows.push(['No-op run', `not measured: ${n.error}`, '', '', '', '']);
  else if (n) {
    rows.push([
      'No-op run (already up to date), 1 host, end to end',
      summary(n.action),
      `one plain \`ssh host docker inspect\`: ${summary(n.baseline)}`,
      x2(ratio(median(n.action), median(n.baseline))),
      '',
      '',
    ]);
  }
  const p = res.preflight;
  if (p?.error) rows.push(['Preflight', `not measured: ${p.error}`, '', '', '', '']);
  else if (p) {
    for (const size of Object.keys(p.runs)) {
      const isMax = size === '20';
      rows.push([
        `Preflight (dry run), ${size} host${size === '1' ? '' : 's'}, end to end`,
        summary(p.runs[size].map((r) => r.ms)),
        size === '1' ? '' : `1 host: ${ms(f.pre[1])}`,
        size === '1' ? '' : x2(ratio(f.pre[size], f.pre[1])),
        isMax ? '≤ 2.00×' : '',
        isMax ? mark(f.preRatio <= 2) : '',
      ]);
    }
  }
  const cold = res.cold;
  if (cold?.error) rows.push(['Cold start', `not measured: ${cold.error}`, '', '', '', '']);
  else if (cold) {
    rows.push([
      'Cold start: `node dist/index.js` on bad input, start → exit',
      summary(cold.action),
      `\`node -e 0\`: ${summary(cold.node)}`,
      x2(ratio(median(cold.action), median(cold.node))),
      '',
      '',
    ]);
    rows.push(['Cold start: start → first output', summary(cold.firstOutput), '', '', '', '']);
    rows.push(['Bundle size (dist/index.js)', `${mib(cold.bytes)} (${mib(cold.gzip)} gzipped)`, '', '', '', '']);
  }
  const cl = res.cluster;
  if (cl?.error) rows.push(['Rolling update of 3 nodes', `not measured: ${cl.error}`, '', '', '', '']);
  else if (cl) {
    rows.push([
      'Rolling update of 3 nodes: probe rounds with ≥ 1 node answering (worst run)',
      pct(f.avail),
      `guide's commands node by node: ${pct(f.availManual)}`,
      '',
      '100%',
      mark(f.avail === 1),
    ]);
    rows.push([
      'Rolling update of 3 nodes: longest all-down window (worst run)',
      ms(f.allDown),
      ms(f.allDownManual),
      '',
      '0 ms',
      mark(f.allDown === 0),
    ]);
    rows.push([
      'Rolling update of 3 nodes: total time',
      summary(col(cl.action, 'totalMs')),
      summary(col(cl.manual, 'totalMs')),
      x2(ratio(median(col(cl.action, 'totalMs')), median(col(cl.manual, 'totalMs')))),
      '',
      '',
    ]);
  }
  return markdownTable(rows);
}

function markdownTable(rows) {
  const [head, ...body] = rows;
  return [head, head.map(() => '---'), ...body]
    .map((r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`)
    .join('\n');
}

function runsTable(head, rows) {
  return markdownTable([head, ...rows]);
}

export function renderResults(res, table) {
  const f = figures(res);
  const m = res.machine;
  const st = res.settings;
  const out = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    `Written by \`npm run bench\` (\`sudo bash scripts/bench.sh\`) on ${m.date}; do not edit by hand, re-run it. ` +
      `Medians over ${st.runs} runs (min–max, n)${st.downtimeRuns ? `, the downtime of one node over ${st.downtimeRuns} (with means: its figures move in steps of the probe interval)` : ''}, the rolling update over ${st.clusterRuns} runs, the cold start over ${st.coldRuns}. ` +
      `Every ratio is against a baseline measured in the same run on the same machine.`,
  );
  out.push('');
  out.push(table);
  out.push('');
  out.push('## Machine');
  out.push('');
  out.push(`- CPUs (\`nproc\`): ${m.nproc} × ${m.cpuModel}`);
  out.push(`- Memory: ${m.memory}`);
  out.push(`- Kernel: ${m.kernel}; ${m.os}`);
  out.push(`- Node ${m.node}; ${m.docker}; ${m.openssh}`);
  out.push(
    `- Bundle measured: \`${res.bundle.path}\` (sha256 \`${res.bundle.sha256.slice(0, 16)}…\`), ${res.committed ? `as committed at ${res.commit}` : `which differs from the one committed at ${res.commit} (a local build)`}`,
  );
  if (res.loads?.samples?.length) {
    const l = res.loads.samples;
    const over = l.filter((x) => x > res.loads.quietBelow).length;
    out.push(
      `- The machine is shared with other work. Its load just before each measured run (1 s sample; the bench waits up to a minute for it to drop below ${share(res.loads.quietBelow)}): median ${share(median(l))}, max ${share(Math.max(...l))}` +
        (over ? `; ${over} of ${l.length} runs started above ${share(res.loads.quietBelow)}.` : '.'),
    );
  }
  out.push(`- The whole bench took ${ms(res.wallMs)}.`);
  out.push('');
  out.push('## Method');
  out.push('');
  out.push(
    `- **The test bed** (\`test/bed\`): ${st.hostsSmall} simulated hosts (${st.hostsLarge} for the preflight) on this one machine, each a network namespace with its own OpenSSH \`sshd\` and \`dockerd\`, a local registry, the New API stub (\`test/stub\`) as \`calciumion/new-api:<tag>\`. ` +
      "Every host shares this machine's CPUs: 20 hosts are 20 sshd + 20 dockerd on the same cores, which a fleet of real servers is not.",
  );
  out.push(
    `- **Rate limits off.** Every fixture is deployed with \`${st.rateLimitOff.join('`, `')}\`: New API limits \`/api/*\` per client address (180 requests / 180 s), and a prober at ${st.probeMs} ms sends 20 a second, so with the limit on, 429s would be counted as downtime. ` +
      "The action's own polling stays within the default limit (it backs off to ≤ 1 request/s); that is covered by the integration tests, not here.",
  );
  out.push(
    `- **Probing** (\`bench/probe.mjs\`): every ${st.probeMs} ms a GET \`/api/status\` on a fresh TCP connection (1 s timeout); up = HTTP 200 with \`"success":true\`. ` +
      "A node's downtime is its longest run of failed rounds, from the first failed round to the next round it answered (resolution: one interval). " +
      "For one node the prober runs inside the host's network namespace (`nsenter --net`) on `127.0.0.1:3000`; for the cluster it runs in the machine's namespace, as a load balancer on the hosts' network would, probing all three nodes in each round.",
  );
  out.push(
    `- **Downtime of one node**: \`master\` runs the guide's docker deployment of ${st.from} (fixture \`docker\`, SQLite in \`/srv/new-api/data\`); then either the action updates it to ${st.to} ` +
      "(docker method, `backup: true`, every check with credentials (access token, API key), `stability-seconds: 3`, `health-timeout: 60`) or the guide's commands run over plain OpenSSH as ONE command " +
      '(`docker pull` && `docker stop` && `docker rm` && `docker run` with the same parameters, read from `docker inspect` beforehand): the fastest the manual procedure can be, with no typing and no checks. Action and manual runs alternate.',
  );
  out.push(
    `- **Crash at boot**: the action updates \`master\` to ${st.crash} (exits 1 at boot). Detection = the report's step durations from \`stop old, start new\` through the first failed step; ` +
      "recovery = from that verdict (the `swapping to` log line's arrival + detection) to the first probe round served by the old version. The baseline for recovery is the manual swap's downtime above: rolling back by hand is the same four commands with the old tag.",
  );
  out.push(
    `- **No-op**: \`master\` already on ${st.to}, the action asked for ${st.to}; end to end = process start to exit. Baseline: one OpenSSH connection running \`docker inspect\`, the least a script does to learn there is nothing to do.`,
  );
  out.push(
    `- **Preflight**: \`dry-run: true\` on the first 1, 5 and 20 hosts (each on ${st.from}, target ${st.to}): connect, host key, lock check, \`docker inspect\`, \`/api/status\` through the SSH connection, image present in the registry, plan. Sizes alternate within each repetition. ` +
      "CPU: the action's own (its process, measured in-process) and the whole machine's (`/proc/stat`) during the run.",
  );
  out.push(
    `- **Cold start**: \`node dist/index.js\` with no \`hosts\` input: it parses its inputs, refuses, writes its report and exits. Baseline: \`node -e 0\`.`,
  );
  out.push(
    `- **Rolling update of 3 nodes**: \`master\`, \`slave-1\`, \`slave-2\` (docker fixtures on one shared database) from ${st.from} to ${st.to}; the action with its default order (master first, one node at a time) vs the guide's commands node by node over ssh in the guide's order (slaves first, master last), each started when the previous ssh command returned.`,
  );
  out.push('');

  const s = res.single;
  if (s && !s.error) {
    out.push('## Downtime of one node');
    out.push('');
    out.push(
      runsTable(
        [
          'run',
          'action: outage',
          'its own downtimeMs',
          'outage starts after launch',
          'total',
          'result',
          'manual: outage',
          'ssh command',
        ],
        s.action.map((a, i) => [
          i + 1,
          ms(a.outageMs),
          ms(a.reportedDowntimeMs),
          ms(a.outageFromSwapMs),
          ms(a.totalMs),
          a.result ?? '—',
          ms(s.manual[i]?.outageMs),
          ms(s.manual[i]?.totalMs),
        ]),
      ),
    );
    out.push('');
    const labels = [...new Set(s.action.flatMap((a) => Object.keys(a.steps ?? {})))];
    out.push("The action's steps on the node (median ms over the runs; from the report's `steps`):");
    out.push('');
    out.push(
      runsTable(
        ['step', 'median'],
        labels.map((l) => [l, ms(median(s.action.map((a) => a.steps?.[l])))]),
      ),
    );
    out.push('');
    out.push(
      "`downtimeMs` in the action's report is measured by the action from launching the host step to its readiness verdict; it includes SSH round trips and the polling intervals (host step state every 250 ms, then `/api/status` and the container state), so it is an upper bound of what clients saw. The prober's figure is what clients saw.",
    );
    out.push('');
  }
  const an = res.anatomy;
  if (an && !an.error) {
    out.push('## Swap anatomy');
    out.push('');
    out.push(
      "The docker commands that take a node down, each timed on the host (median of 3, ms), for the action's host-step sequence and the guide's; `listen` = last command → `/api/status` answers (polled every 20 ms); `down` = stop issued → answering. " +
        "The action's `docker create` here is the guide's parameters; the real host step adds the env file and the inspected settings.",
    );
    out.push('');
    const keys = (seq) => [...new Set(an[seq].flatMap((r) => Object.keys(r)))];
    out.push(
      runsTable(
        ['sequence', 'command', 'median'],
        [
          ...keys('action').map((k) => ['action', k, ms(median(an.action.map((r) => r[k])))]),
          ...keys('manual').map((k) => ['manual', k, ms(median(an.manual.map((r) => r[k])))]),
        ],
      ),
    );
    out.push('');
  }
  const c = res.crash;
  if (Array.isArray(c)) {
    out.push('## Crash at boot');
    out.push('');
    out.push(
      runsTable(
        ['run', 'result', 'detection', 'verdict → old serving', 'longest outage', 'run total', 'why (report)'],
        c.map((r, i) => [
          i + 1,
          r.result ?? '—',
          ms(r.detectMs),
          ms(r.recoveryMs),
          ms(r.outageMs),
          ms(r.totalMs),
          (r.error ?? '').split('\n')[0],
        ]),
      ),
    );
    out.push('');
  }
  const p = res.preflight;
  if (p && !p.error) {
    const cores = Number(m.nproc) || 1;
    const pf = preflightFigures(p, cores);
    out.push('## Preflight');
    out.push('');
    out.push(
      `Background load before the runs (20 idle hosts: dockerd, containerd, New API; and anything else on the machine): ${share(p.background)} of the machine's ${cores} cores.`,
    );
    out.push('');
    out.push(
      runsTable(
        [
          'hosts',
          'end to end',
          'inside the action (report)',
          'action CPU',
          "simulated hosts' CPU",
          'machine busy',
          'results',
        ],
        Object.entries(p.runs).map(([n, rs]) => [
          n,
          summary(rs.map((r) => r.ms)),
          ms(median(rs.map((r) => r.inActionMs))),
          ms(pf[n].actionCpu),
          ms(pf[n].hostCpu),
          share(pf[n].busy),
          [...new Set(rs.map((r) => r.result))].join(', '),
        ]),
      ),
    );
    out.push('');
    out.push(
      `"simulated hosts' CPU" = CPU time of every process on the machine during the run (\`/proc/stat\`) − the action's own − the background load sampled just before the run; "machine busy" = all of it ÷ (wall time × ${cores} cores). Medians over the runs.`,
    );
    out.push('');
    out.push('SSH profile (ssh2, the library under node-ssh; median per host):');
    out.push('');
    out.push(
      runsTable(
        ['', '1 host', '20 hosts in parallel'],
        [
          [
            'handshake (TCP, key exchange, public-key auth)',
            ms(p.profile[1].handshakeMs),
            ms(p.profile[20].handshakeMs),
          ],
          ...p.commands.map((cmd) => [
            `one command on an open connection: \`${cmd}\``,
            ms(p.profile[1].execMs[cmd]),
            ms(p.profile[20].execMs[cmd]),
          ]),
          ['wall time of the whole profile', ms(p.profile[1].wallMs), ms(p.profile[20].wallMs)],
        ],
      ),
    );
    out.push('');
    out.push(
      `- A shell started on the host directly (\`bash -c true\`, no sshd) costs ${ms(p.localShellMs)}; the rest of a command's cost over SSH is sshd's session setup (fork, PAM session modules, the login shell) and the channel's round trips — host-side.`,
    );
    out.push(
      p.bashrc
        ? "- The bed's hosts have a `/root/.bashrc`: its cost is in every command above."
        : `- The bed's hosts have their own \`/root\` without a \`.bashrc\`, so this machine's root \`.bashrc\`${p.machineBashrcMs !== undefined ? ` (\`pyenv init\`: ${ms(p.machineBashrcMs)} per shell, measured)` : ''} is not in these figures. On a server whose root \`.bashrc\` does that, bash sources it for every command sshd starts, so each of the action's SSH commands would pay it: a host-side cost of the server's setup, not of the action.`,
    );
    out.push('');
  }
  const cl = res.cluster;
  if (cl && !cl.error) {
    out.push('## Rolling update of 3 nodes');
    out.push('');
    const rowsOf = (kind) =>
      cl[kind].map((r, i) => [
        kind,
        i + 1,
        pct(r.availability),
        r.rounds,
        ms(r.allDownMs),
        r.nodeOutageMs.map(ms).join(' / '),
        ms(r.totalMs),
        r.result ?? (r.ok ? 'done' : 'failed'),
      ]);
    out.push(
      runsTable(
        [
          'procedure',
          'run',
          'rounds with a node up',
          'rounds',
          'longest all-down',
          'per node outage (master / slave-1 / slave-2)',
          'total',
          'result',
        ],
        [...rowsOf('action'), ...rowsOf('manual')],
      ),
    );
    out.push('');
  }
  const cold = res.cold;
  if (cold && !cold.error) {
    out.push('## Cold start');
    out.push('');
    out.push(`The refusal it printed: \`${(cold.message ?? '').split('\n')[0]}\``);
    out.push('');
  }
  out.push('## Findings');
  out.push('');
  for (const line of findings(res, f)) out.push(`- ${line}`);
  out.push('');
  return out.join('\n');
}

/** Per host count: medians of wall time, the action's CPU, the simulated hosts' CPU and the machine's load. */
function preflightFigures(p, cores) {
  return Object.fromEntries(
    Object.entries(p.runs).map(([n, rs]) => {
      const wall = median(rs.map((r) => r.ms));
      const hostCpu = median(
        rs.map((r) => Math.max(0, r.busyMs - r.actionCpuMs - (r.load ?? p.background) * r.ms * cores)),
      );
      return [
        n,
        {
          wall,
          actionCpu: median(rs.map((r) => r.actionCpuMs)),
          hostCpu,
          busy: Math.min(1, median(rs.map((r) => r.busyMs / (r.ms * cores)))),
        },
      ];
    }),
  );
}

/** Statements the figures support, for the targets and the gaps. */
function findings(res, f) {
  const out = [];
  if (f.downRatio !== undefined) {
    const a = res.single.action;
    const figures = `${ms(f.actionDown)} (median; mean ${ms(f.actionDownMean)}) for the action against ${ms(f.manualDown)} (mean ${ms(f.manualDownMean)}) for the guide's commands`;
    out.push(
      {
        met: `Downtime target met: ${figures}, while the action also backed up the database and ran the checklist (both while the old version serves).`,
        tie: `Downtime: ${figures}. The difference is smaller than the probe interval (${res.settings.probeMs} ms), by median and by mean: on this bed the two cannot be told apart, so the target (≤ the manual procedure) is neither clearly met nor clearly missed. The swap anatomy below shows the same cost command for command.`,
        missed: `Downtime target MISSED: ${figures} (${x2(f.downRatio)}), more than one probe interval apart. See the swap anatomy for the command that differs.`,
      }[f.downVerdict],
    );
    const failed = a.filter((r) => !r.ok);
    if (failed.length)
      out.push(
        `${failed.length} of ${a.length} action runs did not end \`updated\`: ${[...new Set(failed.map((r) => `${r.result}: ${(r.error ?? '').split('\n')[0]}`))].join('; ')}.`,
      );
    const an = res.anatomy;
    if (an && !an.error) {
      const med = (seq, k) => median(an[seq].map((r) => r[k]));
      out.push(
        `Swap anatomy: stop ${ms(med('action', 'docker stop'))} vs ${ms(med('manual', 'docker stop'))}; rename ${ms(med('action', 'docker rename'))} vs rm ${ms(med('manual', 'docker rm'))}; ` +
          `create + start ${ms((med('action', 'docker create') ?? 0) + (med('action', 'docker start') ?? 0))} vs run ${ms(med('manual', 'docker run'))}; ` +
          `boot to answering ${ms(med('action', 'listen'))} vs ${ms(med('manual', 'listen'))}; stop → answering ${ms(med('action', 'down'))} vs ${ms(med('manual', 'down'))}.`,
      );
    }
  }
  if (f.detect !== undefined) {
    out.push(
      `A release that crashes at boot was judged failed ${ms(f.detect)} (median) after the swap started, not at the 60 s health timeout: the swap step (the action reads the host step's state every 250 ms) plus readiness, which reads the container's state every 500 ms and calls a crash when it sees it restarting, restarted or exited twice. ` +
        `The old version served again ${ms(f.recovery)} after the verdict (the guide's commands by hand: ${ms(f.manualDown)}): the host step notices the verdict file (it looks every 200 ms), removes the crashed container, renames the kept old one back, restores its restart policy and starts it — no pull, no re-create.`,
    );
  }
  if (f.preRatio !== undefined) {
    const p = res.preflight;
    const cores = Number(res.machine.nproc) || 1;
    const pf = preflightFigures(p, cores);
    const [one, all] = [pf[1], pf[20]];
    const text = `Preflight on 20 hosts took ${ms(all.wall)} against ${ms(one.wall)} on 1 host (${x2(f.preRatio)}; target ≤ 2×).`;
    if (f.preRatio <= 2) out.push(`${text} Target met.`);
    else {
      const extraAction = all.actionCpu - one.actionCpu;
      const model = one.wall + Math.max(0, extraAction);
      out.push(
        `${text} Target MISSED on this machine, and the time goes to the machine, not the action: the 20-host run kept the ${cores} cores ${share(all.busy)} busy. ` +
          `Of its CPU time, the action's own process used ${ms(all.actionCpu)} (${ms(one.actionCpu)} for 1 host, most of it the process start: +${ms(extraAction)} for 19 more hosts, ~${ms(extraAction / 19)} per host), ` +
          `the 20 simulated hosts ${ms(all.hostCpu)} (~${ms(all.hostCpu / 20)} per host: sshd's handshake, a session per command, docker CLI, dockerd; ${ms(one.hostCpu)} for 1 host), the background the rest. ` +
          `On 20 real servers that host-side work runs on 20 machines at once; here it queues for ${cores} shared cores, which alone needs ≥ ${ms(all.hostCpu / cores)} of wall time. ` +
          `What grows with the host count on the runner is the action's own CPU: 1 host's time + that growth ≈ ${ms(model)} (${x2(model / one.wall)} of 1 host) — a model from these figures, not a measurement. ` +
          `SSH handshake ${ms(p.profile[1].handshakeMs)} alone vs ${ms(p.profile[20].handshakeMs)} with 20 at once; one \`true\` on an open connection ${ms(p.profile[1].execMs.true)} vs ${ms(p.profile[20].execMs.true)}, against ${ms(p.localShellMs)} for a shell started on the host without sshd.`,
      );
    }
  }
  const unexpected = [
    ...(Array.isArray(res.crash) ? res.crash.filter((r) => !r.ok).map((r) => `crash at boot: ${r.result}`) : []),
    ...(res.noop?.results ?? []).filter((r) => r !== 'up-to-date').map((r) => `no-op: ${r}`),
    ...['action', 'manual'].flatMap((k) =>
      (res.cluster?.[k] ?? []).filter((r) => !r.ok).map(() => `rolling update (${k}) failed`),
    ),
    ...Object.values(res.preflight?.runs ?? {})
      .flat()
      .filter((r) => r.result !== 'planned')
      .map((r) => `preflight: ${r.result}`),
  ];
  if (unexpected.length)
    out.push(`Runs that did not end as expected (their figures are in the medians): ${unexpected.join('; ')}.`);
  if (f.avail !== undefined) {
    out.push(
      f.avail === 1
        ? `Rolling update: at least one of the 3 nodes answered in every probe round of every run (longest all-down window 0 ms); the guide's commands node by node: ${pct(f.availManual)}, longest all-down ${ms(f.allDownManual)}.`
        : `Rolling update: availability target MISSED — worst run ${pct(f.avail)} of rounds with a node up, longest all-down ${ms(f.allDown)}.`,
    );
  }
  return out;
}
