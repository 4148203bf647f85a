/**
 * Topic allowlists: `--allow-topics` globs, optionally narrowed per client by a JWT `topics`
 * claim. A glob has two wildcards: `*` (any run of characters, also none) and `?` (exactly one
 * character); every other character stands for itself and a glob must match the whole name.
 *
 * Matching is done by hand instead of by building a RegExp: no escaping to get wrong (a topic
 * glob like `a.b` must not match `axb`), and the two-pointer algorithm below is O(name × glob)
 * in the worst case, where a regex with several `.*` can backtrack for far longer on a
 * client-chosen name.
 */

/** True when `name` matches `glob` as a whole. Works on UTF-16 code units, like Kafka's names. */
export function globMatches(glob: string, name: string): boolean {
  let g = 0;
  let n = 0;
  // Where the last `*` was and which name position it currently swallows up to.
  let starAt = -1;
  let starName = 0;
  while (n < name.length) {
    const c = glob[g];
    if (c === "*") {
      starAt = g++;
      starName = n;
    } else if (c !== undefined && (c === "?" || c === name[n])) {
      g++;
      n++;
    } else if (starAt >= 0) {
      // Let the last `*` take one more character and retry from just after it.
      g = starAt + 1;
      n = ++starName;
    } else {
      return false;
    }
  }
  while (glob[g] === "*") g++;
  return g === glob.length;
}

/** One predicate for a list of globs: true when any of them matches the whole name. */
export function compileGlobs(patterns: readonly string[]): (name: string) => boolean {
  const globs = [...patterns];
  if (globs.includes("*")) return () => true;
  return (name) => globs.some((glob) => globMatches(glob, name));
}

export class TopicPolicy {
  readonly #allowed: (name: string) => boolean;

  constructor(allowTopics: readonly string[]) {
    this.#allowed = compileGlobs(allowTopics);
  }

  /** True when `topic` matches the configured globs and, when `claim` is given (JWT `topics`), one of its globs too. */
  allows(topic: string, claim?: readonly string[]): boolean {
    if (!this.#allowed(topic)) return false;
    return claim === undefined || claim.some((glob) => globMatches(glob, topic));
  }
}
