/**
 * A New API node on the bed whose credentials are the test's own values instead of the catalog's seed, and
 * whose container environment holds the secrets a real deployment carries (database DSN, Redis URL,
 * session and crypto secrets). The secret-scan and hostile-value suites need both: a value can only be
 * shown never to leak, or never to execute, if the run really used it (logged in with it, started the
 * container with it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { FIXTURE_PATHS, deployFixture, hostShOk, resetHost } from '../bed.js';

export interface Credentials {
  adminPassword: string;
  /** System access token of the admin (user 1). */
  accessToken: string;
  /** API key, `sk-…`; no `-` after the prefix (New API reads `sk-key-suffix` as a channel selector). */
  apiKey: string;
}

const sqlText = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** The stub's password hash (test/stub/model/user.go): `sha256$<salt>$<hex sha256(salt:password)>`. */
function passwordHash(password: string): string {
  const salt = randomBytes(8).toString('hex');
  return `sha256$${salt}$${createHash('sha256').update(`${salt}:${password}`).digest('hex')}`;
}

/**
 * Resets `host`, deploys the docker fixture at `tag` with `env` added to the container, then replaces the
 * seeded admin password, access token and API key with `credentials` (in the node's SQLite file, while it
 * serves: New API reads them per request). The node is a master on any bed host (a single node is its
 * cluster's master, and only a master seeds its database): docker keeps the last of repeated `-e` names.
 */
export async function deployWithCredentials(
  host: string,
  tag: string,
  credentials: Credentials,
  env: Record<string, string>,
): Promise<void> {
  await resetHost(host, { keepImages: true });
  await deployFixture(host, 'docker', tag, { env: { NODE_TYPE: 'master', ...env } });
  const sql = [
    '.timeout 5000',
    `UPDATE users SET password = ${sqlText(passwordHash(credentials.adminPassword))}, ` +
      `access_token = ${sqlText(credentials.accessToken)} WHERE id = 1;`,
    `UPDATE tokens SET key = ${sqlText(credentials.apiKey.replace(/^sk-/, ''))} WHERE id = 1;`,
    'SELECT changes();',
  ].join('\n');
  // The SQL goes on stdin: the values are hostile on purpose and must not meet the test's own shell.
  const changed = await hostShOk(host, `sqlite3 ${FIXTURE_PATHS.dockerData}/one-api.db`, { input: sql });
  if (changed.trim() !== '1') throw new Error(`setting the fixture's credentials changed ${changed.trim()} token rows`);
}

export interface FakeRedis {
  /** `redis://default:<password>@<host>:<port>/0` */
  url: string;
  close(): Promise<void>;
}

/**
 * The part of Redis New API's start-up uses (AUTH, SELECT, PING over RESP), so that a container with
 * REDIS_CONN_STRING starts; the bed has no Redis (its compose sidecar only starts and stops). `host` must
 * be reachable from the bed's containers (the bridge address).
 */
export async function startFakeRedis(host: string, password: string): Promise<FakeRedis> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        const parsed = readCommand(buffer);
        if (!parsed) return;
        buffer = buffer.slice(parsed.length);
        const [name, ...args] = parsed.args;
        const command = (name ?? '').toUpperCase();
        if (command === 'AUTH') {
          socket.write(
            args[args.length - 1] === password ? '+OK\r\n' : '-WRONGPASS invalid username-password pair\r\n',
          );
        } else {
          socket.write(command === 'PING' ? '+PONG\r\n' : '+OK\r\n');
        }
      }
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, host, ok);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://default:${encodeURIComponent(password)}@${host}:${port}/0`,
    close: () =>
      new Promise((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** One RESP array of bulk strings from the start of `buffer`, or undefined while it is incomplete. */
function readCommand(buffer: string): { args: string[]; length: number } | undefined {
  const header = /^\*(\d+)\r\n/.exec(buffer);
  if (!header) return undefined;
  let at = header[0].length;
  const args: string[] = [];
  for (let i = 0; i < Number(header[1]); i++) {
    const bulk = /^\$(\d+)\r\n/.exec(buffer.slice(at));
    if (!bulk) return undefined;
    const start = at + bulk[0].length;
    const end = start + Number(bulk[1]);
    if (buffer.length < end + 2) return undefined;
    args.push(buffer.slice(start, end));
    at = end + 2;
  }
  return { args, length: at };
}
