/**
 * Sources of records: the logger of another thread or process that joined
 * the dashboard (`name[pid]`, `name[pid:thread]`), or an OpenTelemetry
 * service. A pure module: the colour a source is drawn in, and what
 * `source:NAME` in the query language matches.
 */

/**
 * A hue (0 to 359) for a source, the same for the same name on every page
 * load and in every tab: FNV-1a over its characters. Only the name counts,
 * not the pid: the workers of one program share a hue family, told apart by
 * a small offset per pid, so that restarts keep their colour roughly.
 */
export function sourceHue(source: string): number {
  const bracket = source.indexOf('[');
  const name = bracket > 0 ? source.slice(0, bracket) : source;
  const base = fnv1a(name) % 360;
  if (bracket <= 0) return base;
  // Several workers of one name: spread them over a band of 60 degrees around the name's hue.
  return (base + (fnv1a(source.slice(bracket)) % 7) * 10 + 330) % 360;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * True when `source:wanted` holds for a record of `source`: the whole source
 * (`worker[4242]`, `checkout`), or its logger name alone (`worker`: every
 * process and thread of that name), ignoring case.
 */
export function sourceMatches(source: string, wanted: string): boolean {
  const have = source.toLowerCase();
  const want = wanted.toLowerCase();
  return have === want || (have.startsWith(want) && have.charCodeAt(want.length) === 91) /* [ */;
}
