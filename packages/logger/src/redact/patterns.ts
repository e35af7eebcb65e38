/**
 * Value patterns for `redactValues`: text that is a secret wherever it
 * appears, whatever the key. Only the matching part of a string is replaced.
 */

/** The patterns `redactValues: true` turns on, by what they find. */
export const DEFAULT_VALUE_PATTERNS: Readonly<Record<string, RegExp>> = Object.freeze({
  /** `Bearer <token>` as in an `Authorization` header (RFC 6750 token characters). */
  bearer: /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g,
  /** AWS access key ids (long-term `AKIA`, temporary `ASIA`, and the other IAM prefixes). */
  awsAccessKey: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z2-7]{16}\b/g,
  /** PEM private key blocks, RSA, EC, OpenSSH and PKCS#8 alike. */
  privateKey: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g,
});

/** What `redactValues` accepts: `true` for the defaults, or patterns (regular expression sources or objects). */
export type ValuePatterns = boolean | readonly (string | RegExp)[];

/**
 * The patterns as global regular expressions (each keeps its own flags), or
 * `undefined` when there are none. Throws an `Error` for a source that does
 * not compile.
 */
export function compileValuePatterns(patterns: ValuePatterns | undefined): RegExp[] | undefined {
  if (patterns === undefined || patterns === false) return undefined;
  const list = patterns === true ? Object.values(DEFAULT_VALUE_PATTERNS) : patterns;
  if (list.length === 0) return undefined;
  return list.map((p) => {
    if (typeof p !== 'string') return new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`);
    try {
      return new RegExp(p, 'g');
    } catch (err) {
      throw new Error(
        `redactValues pattern ${JSON.stringify(p)} is not a regular expression: ${(err as Error).message}`,
      );
    }
  });
}

/** `text` with every match of the patterns replaced by `marker`; the same string when nothing matches. */
export function replaceMatches(text: string, patterns: readonly RegExp[], marker: string): string {
  let out = text;
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    if (pattern.test(out)) out = out.replace(pattern, marker);
  }
  return out;
}
