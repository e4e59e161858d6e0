/** A published (non-draft) release of the upstream repository, as the resolver and the notes need it. */
export interface Release {
  tag: string;
  /** Release title; the tag when the release has none. */
  name: string;
  body: string;
  /** The release page (html_url). */
  url: string;
  /** GitHub's prerelease flag (a tag can also be a prerelease by its shape: see isPrerelease). */
  prerelease: boolean;
  /** ISO timestamp; absent for releases GitHub reports without one. */
  publishedAt?: string;
}

/** How the target was chosen: decides whether naming a prerelease counts as opting in to it. */
export type Selection = 'latest' | 'exact' | 'range' | 'previous';
