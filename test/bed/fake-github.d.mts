/** Types for the fake GitHub API (fake-github.mjs), for TypeScript tests. */
export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  /** Request headers; `authorization` keeps only its scheme ("token [REDACTED]"). */
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  at: string;
}

export interface FakeGitHub {
  url: string;
  port: number;
  requests(): RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

export function startFakeGitHub(options?: {
  port?: number;
  host?: string;
  /** The parsed catalog.json, or its path. */
  catalog?: string | object;
  /** File that every API request is appended to, as a JSON line. */
  record?: string;
}): Promise<FakeGitHub>;
