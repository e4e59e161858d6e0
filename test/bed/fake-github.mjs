#!/usr/bin/env node
/**
 * A fake GitHub REST API for the test bed: just enough of it for @actions/github's Octokit.
 *
 *   node test/bed/fake-github.mjs --port 8299 --catalog test/bed/catalog.json [--record FILE] [--host 127.0.0.1]
 *
 * or in-process: `const gh = await startFakeGitHub({ port: 0, catalog })` → { url, port, requests(), reset(), close() }.
 *
 * Served (shapes and status codes as GitHub's):
 *   GET  /repos/:o/:r                                  (a repository with releases or seeded pulls)
 *   GET  /repos/:o/:r/releases?per_page&page           newest first, with a Link header; drafts only when authenticated
 *   GET  /repos/:o/:r/releases/latest                  newest non-draft non-prerelease by date
 *   GET  /repos/:o/:r/releases/tags/:tag               404 JSON when absent (drafts are never found by tag)
 *   GET|POST /repos/:o/:r/issues/:n/comments
 *   PATCH /repos/:o/:r/issues/comments/:id
 *   POST|GET /repos/:o/:r/deployments, POST|GET /repos/:o/:r/deployments/:id/statuses
 *   GET  /repos/:o/:r/commits/:sha/pulls, GET /repos/:o/:r/pulls/:n
 * Releases are seeded from the catalog (its `repository`); comments and deployments work on any repository.
 *
 * Tokens: any token is accepted, except
 *   read-only-token       → 403 "Resource not accessible by integration" on every write (a fork's PR run)
 *   bad-credentials-token → 401 "Bad credentials" on everything
 *   rate-limited-token    → 403 "API rate limit exceeded" with x-ratelimit-remaining: 0 on everything
 *
 * Test control (not recorded):
 *   POST /_admin/releases {repository, releases:[{tag, prerelease?, draft?, body?, name?, published_at?}], replace?}
 *   POST /_admin/pulls    {repository, pulls:[{number, head_sha, head_ref?, base_ref?, title?, state?}]}
 *   GET  /_requests        every recorded API request (also appended as JSON lines to --record)
 *   POST /_reset           back to the catalog; forgets comments, deployments, pulls and requests
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DOCS = 'https://docs.github.com/rest';
const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const DEPLOYMENT_STATES = new Set(['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success']);

class HttpError extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

const notFound = () => new HttpError(404, 'Not Found');

function loadCatalog(catalog) {
  if (typeof catalog === 'string') return JSON.parse(readFileSync(catalog, 'utf8'));
  return catalog ?? { releases: [] };
}

function createState(catalog) {
  const state = {
    nextId: 1000,
    /** "owner/repo" (lower case) → { fullName, releases: [] } */
    repos: new Map(),
    comments: new Map(), // id → comment (with repoKey, issue)
    deployments: new Map(), // id → deployment (with repoKey, statuses: [])
    pulls: new Map(), // "repoKey#n" → pull
  };
  if (catalog.repository) addReleases(state, catalog.repository, catalog.releases ?? [], false);
  return state;
}

function repoEntry(state, fullName) {
  const key = fullName.toLowerCase();
  let entry = state.repos.get(key);
  if (!entry) {
    entry = { fullName, releases: [] };
    state.repos.set(key, entry);
  }
  return entry;
}

function addReleases(state, fullName, releases, replace) {
  const entry = repoEntry(state, fullName);
  if (replace) entry.releases = [];
  for (const r of releases) {
    const id = state.nextId++;
    const published = r.published_at ?? new Date(Date.UTC(2025, 0, 1) + id * 1000).toISOString();
    entry.releases = entry.releases.filter((x) => x.tag_name !== r.tag);
    entry.releases.push({
      id,
      node_id: `RE_${id}`,
      tag_name: r.tag,
      target_commitish: 'main',
      name: r.name ?? r.tag,
      body: r.body ?? '',
      draft: Boolean(r.draft),
      prerelease: Boolean(r.prerelease),
      created_at: published,
      published_at: r.draft ? null : published,
      author: BOT,
      assets: [],
    });
  }
  // GitHub lists releases newest first (by creation).
  entry.releases.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
}

function releaseJson(base, fullName, r) {
  const api = `${base}/repos/${fullName}`;
  return {
    url: `${api}/releases/${r.id}`,
    html_url: `https://github.com/${fullName}/releases/tag/${encodeURIComponent(r.tag_name)}`,
    assets_url: `${api}/releases/${r.id}/assets`,
    upload_url: `${api}/releases/${r.id}/assets{?name,label}`,
    tarball_url: `${api}/tarball/${encodeURIComponent(r.tag_name)}`,
    zipball_url: `${api}/zipball/${encodeURIComponent(r.tag_name)}`,
    ...r,
  };
}

function paginate(list, url, base) {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
  const last = Math.max(1, Math.ceil(list.length / perPage));
  const link = (p) => {
    const u = new URL(url.pathname + url.search, base);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const rels = [];
  if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
  return {
    items: list.slice((page - 1) * perPage, page * perPage),
    headers: rels.length > 0 ? { link: rels.join(', ') } : {},
  };
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function tokenOf(req) {
  const m = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1] : undefined;
}

function recordedHeaders(headers) {
  const out = { ...headers };
  // The header's presence and scheme are worth asserting on; its secret value is not kept.
  if (out.authorization) out.authorization = `${out.authorization.split(/\s+/)[0]} [REDACTED]`;
  return out;
}

function requireJson(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'Problems parsing JSON');
  }
  return body;
}

function invalid(resource, field, code = 'missing_field') {
  return new HttpError(422, 'Validation Failed', {
    errors: [{ resource, field, code }],
  });
}

/** The stored object without the fake's own bookkeeping fields. */
function publicFields(obj) {
  return Object.fromEntries(
    Object.entries(obj).filter(([k]) => !['repoKey', 'fullName', 'issue', 'statuses'].includes(k)),
  );
}

function commentJson(base, c) {
  return {
    ...publicFields(c),
    url: `${base}/repos/${c.fullName}/issues/comments/${c.id}`,
    html_url: `https://github.com/${c.fullName}/pull/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${base}/repos/${c.fullName}/issues/${c.issue}`,
  };
}

function deploymentJson(base, d) {
  return {
    ...publicFields(d),
    url: `${base}/repos/${d.fullName}/deployments/${d.id}`,
    statuses_url: `${base}/repos/${d.fullName}/deployments/${d.id}/statuses`,
    repository_url: `${base}/repos/${d.fullName}`,
  };
}

function pullJson(base, p) {
  return {
    ...publicFields(p),
    url: `${base}/repos/${p.fullName}/pulls/${p.number}`,
    html_url: `https://github.com/${p.fullName}/pull/${p.number}`,
  };
}

/** The API routes: each returns [status, body, headers?] or throws an HttpError. */
function route(state, method, url, base, body, authenticated) {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'repos' || parts.length < 3) throw notFound();
  const fullName = `${parts[1]}/${parts[2]}`;
  const repoKey = fullName.toLowerCase();
  const rest = parts.slice(3);
  const now = new Date().toISOString();
  const at = (pattern) => {
    if (rest.length !== pattern.length) return false;
    return pattern.every((p, i) => p === '*' || p === rest[i]);
  };

  if (method === 'GET' && rest.length === 0) {
    const known = state.repos.has(repoKey) || [...state.pulls.values()].some((p) => p.repoKey === repoKey);
    if (!known) throw notFound();
    const [owner, name] = [parts[1], parts[2]];
    return [
      200,
      {
        id: 1,
        name,
        full_name: fullName,
        owner: { login: owner },
        private: false,
        default_branch: 'main',
      },
    ];
  }

  // Releases
  if (rest[0] === 'releases') {
    const repo = state.repos.get(repoKey);
    if (!repo) throw notFound();
    if (method === 'GET' && at(['releases'])) {
      const visible = repo.releases.filter((r) => authenticated || !r.draft);
      const { items, headers } = paginate(visible, url, base);
      return [200, items.map((r) => releaseJson(base, repo.fullName, r)), headers];
    }
    if (method === 'GET' && at(['releases', 'latest'])) {
      const latest = repo.releases.find((r) => !r.draft && !r.prerelease);
      if (!latest) throw notFound();
      return [200, releaseJson(base, repo.fullName, latest)];
    }
    if (method === 'GET' && at(['releases', 'tags', '*'])) {
      const r = repo.releases.find((x) => !x.draft && x.tag_name === rest[2]);
      if (!r) throw notFound();
      return [200, releaseJson(base, repo.fullName, r)];
    }
    throw notFound();
  }

  // Issue comments
  if (at(['issues', '*', 'comments'])) {
    const issue = Number(rest[1]);
    if (!Number.isInteger(issue) || issue < 1) throw notFound();
    if (method === 'GET') {
      const list = [...state.comments.values()].filter((c) => c.repoKey === repoKey && c.issue === issue);
      const { items, headers } = paginate(list, url, base);
      return [200, items.map((c) => commentJson(base, c)), headers];
    }
    if (method === 'POST') {
      const { body: text } = requireJson(body);
      if (typeof text !== 'string') throw invalid('IssueComment', 'body');
      const id = state.nextId++;
      const c = {
        id,
        node_id: `IC_${id}`,
        repoKey,
        fullName,
        issue,
        body: text,
        user: BOT,
        created_at: now,
        updated_at: now,
      };
      state.comments.set(id, c);
      return [201, commentJson(base, c)];
    }
  }
  if (method === 'PATCH' && at(['issues', 'comments', '*'])) {
    const c = state.comments.get(Number(rest[2]));
    if (!c || c.repoKey !== repoKey) throw notFound();
    const { body: text } = requireJson(body);
    if (typeof text !== 'string') throw invalid('IssueComment', 'body');
    Object.assign(c, { body: text, updated_at: now });
    return [200, commentJson(base, c)];
  }

  // Deployments
  if (at(['deployments'])) {
    if (method === 'POST') {
      const input = requireJson(body);
      if (typeof input.ref !== 'string' || input.ref === '') throw invalid('Deployment', 'ref');
      const id = state.nextId++;
      const environment = input.environment ?? 'production';
      const d = {
        id,
        node_id: `DE_${id}`,
        repoKey,
        fullName,
        sha: /^[0-9a-f]{40}$/.test(input.ref) ? input.ref : '0'.repeat(40),
        ref: input.ref,
        task: input.task ?? 'deploy',
        payload: input.payload ?? {},
        original_environment: environment,
        environment,
        description: input.description ?? null,
        creator: BOT,
        created_at: now,
        updated_at: now,
        transient_environment: Boolean(input.transient_environment),
        production_environment: input.production_environment ?? environment === 'production',
        statuses: [],
      };
      state.deployments.set(id, d);
      return [201, deploymentJson(base, d)];
    }
    if (method === 'GET') {
      const filters = ['environment', 'ref', 'sha', 'task'].filter((k) => url.searchParams.has(k));
      const list = [...state.deployments.values()]
        .filter((d) => d.repoKey === repoKey && filters.every((k) => d[k] === url.searchParams.get(k)))
        .sort((a, b) => b.id - a.id);
      const { items, headers } = paginate(list, url, base);
      return [200, items.map((d) => deploymentJson(base, d)), headers];
    }
  }
  if (at(['deployments', '*', 'statuses'])) {
    const d = state.deployments.get(Number(rest[1]));
    if (!d || d.repoKey !== repoKey) throw notFound();
    if (method === 'POST') {
      const input = requireJson(body);
      if (!DEPLOYMENT_STATES.has(input.state)) throw invalid('DeploymentStatus', 'state', 'invalid');
      const id = state.nextId++;
      const s = {
        id,
        node_id: `DES_${id}`,
        state: input.state,
        description: input.description ?? '',
        environment: input.environment ?? d.environment,
        log_url: input.log_url ?? '',
        target_url: input.log_url ?? input.target_url ?? '',
        environment_url: input.environment_url ?? '',
        creator: BOT,
        created_at: now,
        updated_at: now,
        deployment_url: `${base}/repos/${fullName}/deployments/${d.id}`,
        repository_url: `${base}/repos/${fullName}`,
      };
      d.statuses.unshift(s);
      d.updated_at = now;
      if (input.auto_inactive !== false && input.state === 'success') {
        // GitHub marks earlier successful deployments of the same environment inactive.
        for (const other of state.deployments.values()) {
          if (
            other !== d &&
            other.repoKey === repoKey &&
            other.environment === d.environment &&
            other.statuses[0]?.state === 'success'
          ) {
            other.statuses.unshift({
              ...other.statuses[0],
              id: state.nextId++,
              state: 'inactive',
              created_at: now,
              updated_at: now,
            });
          }
        }
      }
      return [201, s];
    }
    if (method === 'GET') {
      const { items, headers } = paginate(d.statuses, url, base);
      return [200, items, headers];
    }
  }

  // Pull requests
  if (method === 'GET' && at(['commits', '*', 'pulls'])) {
    const list = [...state.pulls.values()].filter((p) => p.repoKey === repoKey && p.head.sha === rest[1]);
    return [200, list.map((p) => pullJson(base, p))];
  }
  if (method === 'GET' && at(['pulls', '*'])) {
    const p = state.pulls.get(`${repoKey}#${Number(rest[1])}`);
    if (!p) throw notFound();
    return [200, pullJson(base, p)];
  }

  throw notFound();
}

function admin(state, method, path, body, recorded, reseed) {
  if (method === 'GET' && path === '/_requests') return [200, recorded];
  if (method === 'POST' && path === '/_reset') {
    reseed();
    return [200, { ok: true }];
  }
  if (method === 'POST' && path === '/_admin/releases') {
    const { repository, releases, replace } = requireJson(body);
    if (typeof repository !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(repository) || !Array.isArray(releases)) {
      throw new HttpError(400, 'expected {repository: "owner/repo", releases: [{tag, ...}]}');
    }
    if (releases.some((r) => typeof r?.tag !== 'string' || r.tag === ''))
      throw new HttpError(400, 'every release needs a tag');
    addReleases(state, repository, releases, Boolean(replace));
    return [
      200,
      {
        repository,
        releases: state.repos.get(repository.toLowerCase()).releases.length,
      },
    ];
  }
  if (method === 'POST' && path === '/_admin/pulls') {
    const { repository, pulls } = requireJson(body);
    if (typeof repository !== 'string' || !Array.isArray(pulls))
      throw new HttpError(400, 'expected {repository, pulls: [...]}');
    const repoKey = repository.toLowerCase();
    for (const p of pulls) {
      const now = new Date().toISOString();
      state.pulls.set(`${repoKey}#${p.number}`, {
        repoKey,
        fullName: repository,
        id: state.nextId++,
        number: p.number,
        state: p.state ?? 'open',
        title: p.title ?? `PR #${p.number}`,
        user: { login: 'contributor' },
        head: {
          sha: p.head_sha,
          ref: p.head_ref ?? `branch-${p.number}`,
          repo: { full_name: p.head_repo ?? repository },
        },
        base: { ref: p.base_ref ?? 'main', repo: { full_name: repository } },
        created_at: now,
        updated_at: now,
      });
    }
    return [200, { repository, pulls: pulls.length }];
  }
  throw notFound();
}

/** Starts the fake API; `catalog` is the parsed catalog.json or its path. */
export async function startFakeGitHub({ port = 0, host = '127.0.0.1', catalog, record } = {}) {
  const seed = loadCatalog(catalog);
  let state = createState(seed);
  let recorded = [];
  const reseed = () => {
    state = createState(seed);
    recorded = [];
  };

  const server = createServer(async (req, res) => {
    const base = `http://${req.headers.host ?? `${host}:${port}`}`;
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    let status;
    let payload;
    let headers = {};
    try {
      const body = await readBody(req);
      if (url.pathname.startsWith('/_')) {
        [status, payload] = admin(state, method, url.pathname, body, recorded, reseed);
      } else {
        const entry = {
          method,
          path: url.pathname + url.search,
          headers: recordedHeaders(req.headers),
          body,
          at: new Date().toISOString(),
        };
        recorded.push(entry);
        if (record) appendFileSync(record, `${JSON.stringify(entry)}\n`);
        const token = tokenOf(req);
        if (token === 'bad-credentials-token') throw new HttpError(401, 'Bad credentials');
        if (token === 'rate-limited-token') {
          throw new HttpError(403, 'API rate limit exceeded for installation.');
        }
        if (token === 'read-only-token' && WRITE_METHODS.has(method)) {
          throw new HttpError(403, 'Resource not accessible by integration');
        }
        [status, payload, headers = {}] = route(state, method, url, base, body, token !== undefined);
      }
    } catch (err) {
      if (!(err instanceof HttpError)) {
        status = 500;
        payload = { message: String(err?.stack ?? err) };
      } else {
        status = err.status;
        payload = {
          message: err.message,
          ...err.extra,
          documentation_url: DOCS,
          status: String(err.status),
        };
        if (err.status === 403 && /rate limit/i.test(err.message)) headers = { 'x-ratelimit-remaining': '0' };
      }
    }
    const reset = Math.floor(Date.now() / 1000) + 3600;
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(reset),
      'x-github-request-id': `FAKE:${recorded.length}`,
      ...headers,
    });
    res.end(JSON.stringify(payload));
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    requests: () => recorded.slice(),
    reset: reseed,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)$/.exec(argv[i]);
    if (!m || i + 1 >= argv.length) throw new Error(`unexpected argument ${argv[i]}`);
    args[m[1]] = argv[++i];
  }
  return args;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = parseArgs(process.argv.slice(2));
  const defaultCatalog = fileURLToPath(new URL('./catalog.json', import.meta.url));
  const gh = await startFakeGitHub({
    port: Number(args.port ?? 8299),
    host: args.host ?? '127.0.0.1',
    catalog: args.catalog ?? defaultCatalog,
    record: args.record,
  });
  console.log(`fake-github listening on ${gh.url}`);
  const stop = () => gh.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
