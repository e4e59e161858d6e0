/**
 * Pins a compose service's image by editing ONLY the value of its `image:` line, in place. Everything
 * else — comments, quoting, anchors, key order, blank lines, CRLF — stays byte for byte, because the
 * file is the user's: an override file or a reformatted copy would be lost or fought over at their
 * next manual `docker compose up`. Pure.
 */
import { isAlias, isMap, isPair, isScalar, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';

export class ComposeEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComposeEditError';
  }
}

function parse(text: string, file: string): Document {
  if (text.includes('\uFFFD')) throw new ComposeEditError(`${file} is not valid UTF-8; refusing to edit it`);
  const doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: true });
  if (doc.errors.length)
    throw new ComposeEditError(`${file} does not parse as YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return doc;
}

const keyOf = (p: Pair): unknown => (isScalar(p.key) ? p.key.value : p.key);

/** The service's mapping: under `services:`, or at the top level in the legacy v1 format. */
function serviceMap(doc: Document, service: string, file: string): YAMLMap | undefined {
  const root = doc.contents;
  if (!isMap(root)) throw new ComposeEditError(`${file} is not a compose file (no top-level mapping)`);
  const services = root.items.find((p) => keyOf(p) === 'services');
  const holder = services ? services.value : root.items.some((p) => keyOf(p) === 'version') ? undefined : root;
  if (!isMap(holder)) return undefined;
  const pair = holder.items.find((p) => keyOf(p) === service);
  if (!pair) return undefined;
  if (!isMap(pair.value)) throw new ComposeEditError(`service ${service} in ${file} is not a mapping`);
  return pair.value;
}

export type ServiceImage =
  | { kind: 'image'; value: string }
  /** The file does not define the service or gives it no image line (another -f file may). */
  | { kind: 'absent'; reason: string };

/** Finds the service's own image line, or throws when it cannot be pinned by editing this file. */
export function serviceImage(text: string, service: string, file = 'the compose file'): ServiceImage {
  const svc = serviceMap(parse(text, file), service, file);
  if (!svc) return { kind: 'absent', reason: `${file} does not define service ${service}` };
  const pair = svc.items.find((p) => isPair(p) && keyOf(p) === 'image');
  const has = (k: string): boolean => svc.items.some((p) => keyOf(p) === k);
  if (!pair) {
    if (has('build'))
      throw new ComposeEditError(
        `service ${service} in ${file} builds its image (build:) and has no image line: the compose method updates pulled images only`,
      );
    if (has('<<'))
      return {
        kind: 'absent',
        reason: `service ${service} in ${file} takes its image from a merge key (<<:); write image: on the service itself`,
      };
    return { kind: 'absent', reason: `service ${service} in ${file} has no image line` };
  }
  if (has('build'))
    throw new ComposeEditError(
      `service ${service} in ${file} has both build: and image:; its image is built locally, not pulled`,
    );
  const v = pair.value;
  if (isAlias(v))
    throw new ComposeEditError(
      `the image of service ${service} in ${file} is an alias (*${v.source}); write the image on the service itself`,
    );
  if (!isScalar(v) || typeof v.value !== 'string' || !v.value)
    throw new ComposeEditError(`service ${service} in ${file} has an empty image line`);
  const tok = v.srcToken;
  if (!tok || !('source' in tok) || !['scalar', 'single-quoted-scalar', 'double-quoted-scalar'].includes(tok.type)) {
    throw new ComposeEditError(`the image of service ${service} in ${file} is not a one-line value`);
  }
  if (v.value.includes('$')) {
    throw new ComposeEditError(
      `the image of service ${service} in ${file} uses a variable (${v.value}); set the image tag literally in the file, or update the variable yourself`,
    );
  }
  return { kind: 'image', value: v.value };
}

/** Returns `text` with the service's image value replaced by `imageRef`, in the same quoting style. */
export function pinServiceImage(text: string, service: string, imageRef: string, file = 'the compose file'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(imageRef))
    throw new ComposeEditError(`not an image reference: ${imageRef}`);
  const found = serviceImage(text, service, file);
  if (found.kind !== 'image') throw new ComposeEditError(found.reason);
  const doc = parse(text, file);
  const pair = serviceMap(doc, service, file)!.items.find((p) => keyOf(p) === 'image')!;
  const tok = (pair.value as { srcToken: { type: string; offset: number; source: string } }).srcToken;
  const quoted =
    tok.type === 'single-quoted-scalar'
      ? `'${imageRef}'`
      : tok.type === 'double-quoted-scalar'
        ? `"${imageRef}"`
        : imageRef;
  const out = text.slice(0, tok.offset) + quoted + text.slice(tok.offset + tok.source.length);

  // Belt and braces: the result must mean exactly the input with that one value changed.
  const before = parse(text, file).toJS() as Record<string, unknown>;
  const after = parse(out, file).toJS() as Record<string, unknown>;
  const svcOf = (o: Record<string, unknown>): Record<string, unknown> =>
    ((o.services as Record<string, unknown> | undefined) ?? o)[service] as Record<string, unknown>;
  svcOf(before).image = imageRef;
  if (JSON.stringify(before) !== JSON.stringify(after) || serviceImage(out, service, file).kind !== 'image') {
    throw new ComposeEditError(`editing the image line of ${file} would change more than the image; refusing`);
  }
  return out;
}
