/**
 * The query language of the search box: bare words and "quoted phrases" are
 * full-text terms; `key=value`, `key!=value`, `key>=n`, `key<=n`, `key>n`,
 * `key<n` and `key:value` are field conditions. Everything is combined with
 * AND. `tag:` and `level` name the record's tag and level; `a.b` reaches into
 * nested fields.
 */

/** A comparison in a field condition. */
export type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** One `key op value` condition. */
export interface Condition {
  /** Field name or path (`a.b`), or `tag`, `level`, `msg`. */
  key: string;
  /** The comparison. */
  op: Operator;
  /** The value as typed, without quotes. */
  value: string;
}

/** A parsed query. */
export interface Query {
  /** Lower-cased full-text terms, each of which must occur. */
  terms: string[];
  /** Field conditions, each of which must hold. */
  conditions: Condition[];
}

const TOKEN = /\s*(?:"([^"]*)"?|(\S+))/y;
const CONDITION = /^([A-Za-z_$@][\w$@.-]*?)(!=|>=|<=|=|>|<|:)(.*)$/;

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** Parses the search box's text. Never throws: what is not a condition is a term. */
export function parseQuery(text: string): Query {
  const query: Query = { terms: [], conditions: [] };
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  // A quoted value may hold spaces: `msg="disk full"` arrives as one token.
  const source = text.replace(
    /([=:<>])"([^"]*)"/g,
    (_, op: string, inner: string) => `${op}"${inner.replace(/ /g, '\ue000')}"`,
  );
  match = TOKEN.exec(source);
  while (match) {
    const phrase = match[1];
    const word = match[2];
    if (phrase !== undefined) {
      if (phrase.trim()) query.terms.push(phrase.toLowerCase());
    } else if (word !== undefined) {
      const restored = word.replace(/\ue000/g, ' ');
      const cond = CONDITION.exec(restored);
      // `http://host` is a word to find, not the field `http`.
      const isUrl = cond?.[2] === ':' && cond[3]?.startsWith('//');
      if (cond?.[1] && cond[2] && cond[3] !== undefined && cond[3] !== '' && !isUrl) {
        const op = cond[2] === ':' ? '=' : (cond[2] as Operator);
        query.conditions.push({ key: cond[1], op, value: unquote(cond[3]) });
      } else {
        query.terms.push(restored.toLowerCase());
      }
    }
    if (TOKEN.lastIndex >= source.length) break;
    match = TOKEN.exec(source);
  }
  return query;
}

/** True when the query selects everything. */
export function isEmptyQuery(query: Query): boolean {
  return query.terms.length === 0 && query.conditions.length === 0;
}
