/**
 * The one error type for bad input. Its message always names the input, the host when one is involved,
 * and the fix, because it is the whole of what a user sees when a run stops before touching anything.
 */
export interface InputErrorDetails {
  /** Host name (or `#n` for an entry whose name is itself unusable). */
  host?: string;
  /** What to change, phrased as an instruction. */
  fix?: string;
}

const PREDICATE = /^(is|has|holds|mixes|names|needs|contains|carries|belongs|starts)\b/;

export class InputError extends Error {
  readonly input: string;
  readonly host?: string;
  readonly fix?: string;

  constructor(input: string, problem: string, details: InputErrorDetails = {}) {
    const where = details.host === undefined ? `Input '${input}'` : `Input '${input}', host '${details.host}'`;
    // "Input 'hosts' is empty", but "Input 'hosts', host 'web': unknown key "bogus"".
    const joiner = PREDICATE.test(problem) ? ' ' : ': ';
    super(`${where}${joiner}${problem}${details.fix ? `. Fix: ${details.fix}` : ''}`);
    this.name = 'InputError';
    this.input = input;
    this.host = details.host;
    this.fix = details.fix;
  }
}

const QUOTE_MAX = 60;

/**
 * A user value made safe to print inside an error: JSON-quoted (control characters and quotes escaped, so a
 * value cannot forge log lines or workflow commands) and truncated. Never call it on a secret.
 */
export function quote(value: unknown): string {
  if (typeof value !== 'string') {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text;
  }
  return JSON.stringify(value.length > QUOTE_MAX ? `${value.slice(0, QUOTE_MAX)}…` : value);
}

/** Edit distance counting a swap of neighbours as one edit, for "did you mean" hints on misspelt words. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate to a misspelt word, if one is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const normalized = word.toLowerCase().replace(/_/g, '-');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(normalized, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(normalized.length / 4)) ? best : undefined;
}

/** "did you mean 'x'? " hint, or an empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const hint = closest(word, candidates);
  return hint ? `did you mean '${hint}'? ` : '';
}
