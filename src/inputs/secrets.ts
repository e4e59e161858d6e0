/**
 * What to mask for a secret. The runner masks log output line by line, so a multi-line secret (a private key)
 * is only hidden if each of its lines is registered too; a secret that reaches a JSON body is hidden in its
 * escaped form.
 */
const MIN_LINE = 4; // shorter fragments (a key's last base64 line can be 2 characters) would mask ordinary text

export function secretVariants(secret: string): string[] {
  const variants = new Set<string>();
  const add = (value: string): void => {
    if (value !== '') variants.add(value);
  };
  add(secret);
  add(secret.trim());
  const lines = secret.split(/\r?\n/).map((line) => line.trim());
  if (lines.length > 1) for (const line of lines) if (line.length >= MIN_LINE) add(line);
  const escaped = JSON.stringify(secret).slice(1, -1);
  if (escaped !== secret) add(escaped);
  return [...variants];
}
