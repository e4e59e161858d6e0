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
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text;
  return JSON.stringify(cut);
}

/** Levenshtein distance, for "did you mean" hints on misspelt keys and values. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
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
  return bestDistance <= Math.max(2, Math.floor(normalized.length / 3)) ? best : undefined;
}

/** "did you mean 'x'? " hint, or an empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const hint = closest(word, candidates);
  return hint ? `did you mean '${hint}'? ` : '';
}
