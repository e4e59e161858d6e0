import { describe, expect, it } from '@jest/globals';
import { pinServiceImage, serviceImage } from '../../src/methods/compose-file.js';

const NEW = '127.0.0.1:5000/calciumion/new-api:v0.10.2';

/** The upstream docker-compose.yml (shape of QuantumNous/new-api's), comments and all. */
const OFFICIAL = `version: '3.4'

services:
  new-api:
    image: calciumion/new-api:v0.10.1   # pinned by hand
    container_name: new-api
    restart: always
    command: --log-dir /app/logs
    ports:
      - "3000:3000"
    volumes:
      - ./data:/data
      - ./logs:/app/logs
    environment:
      - SQL_DSN=postgresql://root:123456@postgres:5432/new-api
      - REDIS_CONN_STRING=redis://redis
      - TZ=Asia/Shanghai
    depends_on:
      - redis
      - postgres

  redis:
    image: redis:latest
    container_name: redis
    restart: always

  postgres:
    image: postgres:15
    environment:
      POSTGRES_USER: root
      POSTGRES_PASSWORD: 123456 # image: not-this-one
`;

/** Asserts that `out` differs from `text` only by the image value on one line. */
function onlyImageLineChanged(text: string, out: string, expectedLine: string): void {
  const a = text.split('\n');
  const b = out.split('\n');
  expect(b.length).toBe(a.length);
  const changed = a.map((l, i) => (l === b[i] ? -1 : i)).filter((i) => i >= 0);
  expect(changed).toHaveLength(1);
  expect(b[changed[0]]).toBe(expectedLine);
}

describe('pinServiceImage', () => {
  it('edits only the service image value, keeping its comment and every other byte', () => {
    const out = pinServiceImage(OFFICIAL, 'new-api', NEW);
    onlyImageLineChanged(OFFICIAL, out, `    image: ${NEW}   # pinned by hand`);
    expect(out).toContain('    image: redis:latest');
  });

  it('keeps the quoting style', () => {
    const dq = OFFICIAL.replace('image: calciumion/new-api:v0.10.1', 'image: "calciumion/new-api:v0.10.1"');
    onlyImageLineChanged(dq, pinServiceImage(dq, 'new-api', NEW), `    image: "${NEW}"   # pinned by hand`);
    const sq = OFFICIAL.replace('image: calciumion/new-api:v0.10.1', "image: 'calciumion/new-api:v0.10.1'");
    onlyImageLineChanged(sq, pinServiceImage(sq, 'new-api', NEW), `    image: '${NEW}'   # pinned by hand`);
  });

  it('keeps CRLF line endings and a UTF-8 BOM', () => {
    const crlf = '\uFEFF' + OFFICIAL.replace(/\n/g, '\r\n');
    const out = pinServiceImage(crlf, 'new-api', NEW);
    expect(out).toBe(crlf.replace('calciumion/new-api:v0.10.1', NEW));
  });

  it('keeps an anchor defined on the value, and other services using the same image untouched', () => {
    const t = `services:
  worker:
    image: calciumion/new-api:v0.10.1
  new-api:
    image: &api calciumion/new-api:v0.10.1
    labels: {a: b}
`;
    const out = pinServiceImage(t, 'new-api', NEW);
    expect(out).toBe(t.replace('&api calciumion/new-api:v0.10.1', `&api ${NEW}`));
  });

  it('finds a quoted service key, a flow-mapping service and the legacy v1 (no services:) format', () => {
    const quoted = `services:\n  "new-api":\n    image: calciumion/new-api:v0.10.1\n`;
    expect(pinServiceImage(quoted, 'new-api', NEW)).toBe(quoted.replace('calciumion/new-api:v0.10.1', NEW));
    const flow = `services:\n  new-api: { image: calciumion/new-api:v0.10.1, restart: always }\n`;
    expect(pinServiceImage(flow, 'new-api', NEW)).toBe(flow.replace('calciumion/new-api:v0.10.1', NEW));
    const v1 = `new-api:\n  image: calciumion/new-api:v0.10.1\n  ports: ["3000:3000"]\n`;
    expect(pinServiceImage(v1, 'new-api', NEW)).toBe(v1.replace('calciumion/new-api:v0.10.1', NEW));
  });

  it('ignores image-like text in comments, other keys and extension fields', () => {
    const t = `x-common: &common\n  image: calciumion/new-api:v0.10.1\n# image: calciumion/new-api:v0.10.1\nservices:\n  new-api:\n    <<: *common\n    image: calciumion/new-api:v0.10.1\n`;
    const out = pinServiceImage(t, 'new-api', NEW);
    expect(out.split('\n').filter((l) => l.includes(NEW))).toEqual([`    image: ${NEW}`]);
  });

  it('refuses what cannot be pinned by editing one value', () => {
    const cases: [string, RegExp][] = [
      [`services:\n  new-api:\n    build: .\n`, /builds its image/],
      [`services:\n  new-api:\n    build: .\n    image: my/new-api:dev\n`, /both build/],
      [`x: &img calciumion/new-api:v1\nservices:\n  new-api:\n    image: *img\n`, /alias/],
      [`services:\n  new-api:\n    image: calciumion/new-api:\${TAG:-latest}\n`, /variable/],
      [`services:\n  new-api:\n    image: >-\n      calciumion/new-api:v1\n`, /one-line/],
      [`services:\n  new-api:\n    image:\n`, /empty/],
      [`services:\n  new-api:\n    image: a\n  new-api:\n    image: b\n`, /does not parse/],
      [`services:\n  new-api:\n    restart: always\n`, /no image line/],
      [`services:\n  other:\n    image: x\n`, /does not define service new-api/],
      [`services:\n  new-api:\n    image: x\uFFFD\n`, /UTF-8/],
    ];
    for (const [text, why] of cases) expect(() => pinServiceImage(text, 'new-api', NEW)).toThrow(why);
  });

  it('refuses an image reference that is not one', () => {
    expect(() => pinServiceImage(OFFICIAL, 'new-api', 'x y')).toThrow(/not an image reference/);
  });
});

describe('serviceImage', () => {
  it('reports the current value, or absence (another -f file may set it)', () => {
    expect(serviceImage(OFFICIAL, 'new-api')).toEqual({ kind: 'image', value: 'calciumion/new-api:v0.10.1' });
    expect(serviceImage(`services:\n  new-api:\n    environment: [A=1]\n`, 'new-api', 'override.yml')).toEqual({
      kind: 'absent',
      reason: 'service new-api in override.yml has no image line',
    });
    expect(serviceImage(`services:\n  new-api:\n    <<: *x\n`.replace('*x', '{}'), 'new-api').kind).toBe('absent');
  });
});
