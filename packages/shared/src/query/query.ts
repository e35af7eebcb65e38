/**
 * The query language of the search box, a pure module (no DOM) so the same
 * language can be read wherever records are searched:
 *
 * - bare words and "quoted phrases" are full-text terms;
 * - `key=value`, `key!=value`, `key>=n`, `key<=n`, `key>n`, `key<n` and
 *   `key:value` are field conditions (`a.b` reaches into nested fields, `tag`,
 *   `level` and `msg` name the record's own, `err.name`, `err.code` and
 *   `err.message` its error);
 * - `key:*` holds when the field is present;
 * - `/regex/flags` matches the message, `key=/regex/` a field;
 * - `since:10m` keeps the records of the last ten minutes (`ms`, `s`, `m`, `h`, `d`);
 * - items side by side must all hold; `OR` between them, `NOT` or a leading
 *   `-` before one, and parentheses group as usual (`NOT` binds tightest, then
 *   the implicit AND, then `OR`).
 *
 * A query that cannot be read is not searched for as text: `parseQuery` says
 * what is wrong and where.
 */

/** A comparison in a field condition. */
export type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** One `key op value` condition. */
export interface Condition {
  /** Field name or path (`a.b`), or `tag`, `level`, `msg`, `err.*`. */
  key: string;
  /** The comparison. */
  op: Operator;
  /** The value as typed, without quotes. */
  value: string;
}

/** A parsed query as a tree. */
export type Expr =
  | { type: 'and'; items: Expr[] }
  | { type: 'or'; items: Expr[] }
  | { type: 'not'; item: Expr }
  /** A lower-cased full-text term or phrase. */
  | { type: 'term'; text: string }
  /** A field condition. */
  | { type: 'cond'; cond: Condition }
  /** A regular expression on the message (`key` absent) or on a field. */
  | { type: 'regex'; key?: string; source: string; flags: string }
  /** The field is present. */
  | { type: 'exists'; key: string }
  /** The record is at most `ms` milliseconds older than the reference time. */
  | { type: 'since'; ms: number };

/** What is wrong with a query, and where. */
export interface QueryError {
  /** A sentence for the user. */
  message: string;
  /** Offset in the text where the problem is. */
  at: number;
}

/**
 * A parsed query: the tree, plus the parts of its top-level AND that a scan
 * can use directly.
 */
export interface Query {
  /** The whole query; `undefined` when it is empty or could not be read. */
  expr: Expr | undefined;
  /** Lower-cased full-text terms of the top-level AND, each of which must occur. */
  terms: string[];
  /** Field conditions of the top-level AND, each of which must hold. */
  conditions: Condition[];
  /** Everything else of the top-level AND (groups, negations, regexes, presence, `since`). */
  rest: Expr[];
  /** Positive terms anywhere in the query, for highlighting. */
  marks: string[];
  /** Set when the query could not be read; everything else is then empty. */
  error?: QueryError;
}

type Token =
  | { kind: 'open' | 'close' | 'or' | 'not'; at: number }
  | { kind: 'item'; expr: Expr; at: number }
  | { kind: 'error'; error: QueryError };

const KEY_OP = /([A-Za-z_$@][\w$@.-]*?)(!=|>=|<=|=|>|<|:)/y;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Reads a query's text into tokens; parentheses are tracked so a word's trailing `)` closes a group only when one is open. */
class Lexer {
  private i = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      const token = this.next();
      if (!token) return out;
      out.push(token);
      if (token.kind === 'error') return out;
    }
  }

  private fail(message: string, at: number): Token {
    return { kind: 'error', error: { message, at } };
  }

  private next(): Token | undefined {
    const text = this.text;
    while (this.i < text.length && /\s/.test(text[this.i] as string)) this.i++;
    if (this.i >= text.length) return undefined;
    const at = this.i;
    const c = text[at];
    if (c === '(') {
      this.i++;
      this.depth++;
      return { kind: 'open', at };
    }
    if (c === ')') {
      this.i++;
      this.depth--;
      return { kind: 'close', at };
    }
    if (c === '-' && this.i + 1 < text.length && !/[\s)]/.test(text[this.i + 1] as string)) {
      this.i++;
      return { kind: 'not', at };
    }
    if (c === '"') {
      const phrase = this.quoted();
      if (phrase === undefined) return this.fail('a quote is not closed', at);
      return { kind: 'item', expr: { type: 'term', text: phrase.toLowerCase() }, at };
    }
    if (c === '/') {
      const regex = this.regex();
      if (typeof regex === 'string') return this.fail(regex, at);
      return { kind: 'item', expr: { type: 'regex', ...regex }, at };
    }
    KEY_OP.lastIndex = at;
    const cond = KEY_OP.exec(text);
    // `http://host` is a word to find, not the field `http`.
    if (cond && !(cond[2] === ':' && text.startsWith('//', KEY_OP.lastIndex))) {
      this.i = KEY_OP.lastIndex;
      return this.condition(cond[1] as string, cond[2] as string, at);
    }
    const word = this.bare();
    if (word === 'OR') return { kind: 'or', at };
    if (word === 'NOT') return { kind: 'not', at };
    if (word === 'AND') return this.next();
    return { kind: 'item', expr: { type: 'term', text: word.toLowerCase() }, at };
  }

  /** A word up to the next space; trailing `)` close open groups instead. */
  private bare(): string {
    const start = this.i;
    while (this.i < this.text.length && !/\s/.test(this.text[this.i] as string)) this.i++;
    let end = this.i;
    // Closing parentheses are left to be read as tokens of their own, as many as groups are open.
    for (let open = this.depth; open > 0 && end > start + 1 && this.text[end - 1] === ')'; open--) end--;
    this.i = end;
    return this.text.slice(start, end);
  }

  /** The text between double quotes at the cursor, or `undefined` when the quote is not closed. */
  private quoted(): string | undefined {
    const close = this.text.indexOf('"', this.i + 1);
    if (close < 0) return undefined;
    const inner = this.text.slice(this.i + 1, close);
    this.i = close + 1;
    return inner;
  }

  /** A `/regex/flags` at the cursor, or what is wrong with it. */
  private regex(): { source: string; flags: string } | string {
    const text = this.text;
    let j = this.i + 1;
    let inClass = false;
    for (; j < text.length; j++) {
      const c = text[j];
      if (c === '\\') j++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
    }
    if (j >= text.length) return 'a /regex/ is not closed';
    const source = text.slice(this.i + 1, j);
    let k = j + 1;
    while (k < text.length && /[a-z]/.test(text[k] as string)) k++;
    const flags = text.slice(j + 1, k);
    this.i = k;
    if (source === '') return 'a /regex/ is empty';
    try {
      new RegExp(source, flags);
    } catch (error) {
      return `bad regex /${source}/${flags}: ${error instanceof Error ? error.message : String(error)}`;
    }
    return { source, flags };
  }

  private condition(key: string, rawOp: string, at: number): Token {
    const text = this.text;
    const op: Operator = rawOp === ':' ? '=' : (rawOp as Operator);
    const c = text[this.i];
    if (c === '"') {
      const value = this.quoted();
      if (value === undefined) return this.fail('a quote is not closed', this.i);
      return { kind: 'item', expr: { type: 'cond', cond: { key, op, value } }, at };
    }
    if (c === '/' && (op === '=' || op === '!=')) {
      const regex = this.regex();
      if (typeof regex === 'string') return this.fail(regex, at + key.length + rawOp.length);
      const expr: Expr = { type: 'regex', key, ...regex };
      return { kind: 'item', expr: op === '!=' ? { type: 'not', item: expr } : expr, at };
    }
    const value = c === undefined || /\s/.test(c) ? '' : this.bare();
    if (value === '' || value === ')') {
      return this.fail(`${key}${rawOp} needs a value after ${rawOp}`, at);
    }
    if (key === 'since' && rawOp === ':') {
      const match = DURATION.exec(value);
      if (!match) return this.fail(`since: takes a duration such as 30s, 10m or 2h, not "${value}"`, at);
      return { kind: 'item', expr: { type: 'since', ms: Number(match[1]) * (UNIT_MS[match[2] as string] ?? 1) }, at };
    }
    if (value === '*' && (op === '=' || op === '!=')) {
      const expr: Expr = { type: 'exists', key };
      return { kind: 'item', expr: op === '!=' ? { type: 'not', item: expr } : expr, at };
    }
    return { kind: 'item', expr: { type: 'cond', cond: { key, op, value } }, at };
  }
}

class QuerySyntaxError extends Error {
  constructor(readonly detail: QueryError) {
    super(detail.message);
  }
}

/** Recursive descent over the tokens: OR of ANDs of (NOT) items. */
class Parser {
  private i = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly end: number,
  ) {}

  parse(): Expr | undefined {
    if (this.tokens.length === 0) return undefined;
    const expr = this.or();
    const extra = this.tokens[this.i];
    if (extra) throw new QuerySyntaxError({ message: 'a ) has no ( before it', at: this.at(extra) });
    return expr;
  }

  private at(token: Token | undefined): number {
    if (!token) return this.end;
    return token.kind === 'error' ? token.error.at : token.at;
  }

  private or(): Expr {
    const items = [this.and()];
    while (this.tokens[this.i]?.kind === 'or') {
      const token = this.tokens[this.i++];
      const next = this.tokens[this.i];
      if (!next || next.kind === 'close' || next.kind === 'or') {
        throw new QuerySyntaxError({ message: 'OR needs something on its right', at: this.at(token) });
      }
      items.push(this.and());
    }
    return items.length === 1 ? (items[0] as Expr) : { type: 'or', items };
  }

  private and(): Expr {
    const items: Expr[] = [];
    for (;;) {
      const token = this.tokens[this.i];
      if (!token || token.kind === 'close' || token.kind === 'or') break;
      items.push(this.unary());
    }
    if (items.length === 0) {
      const token = this.tokens[this.i];
      const message =
        token?.kind === 'or'
          ? 'OR needs something on its left'
          : token?.kind === 'close'
            ? 'nothing between ( and )'
            : 'the query ends too soon';
      throw new QuerySyntaxError({ message, at: this.at(token) });
    }
    return items.length === 1 ? (items[0] as Expr) : { type: 'and', items };
  }

  private unary(): Expr {
    const token = this.tokens[this.i++];
    if (!token) throw new QuerySyntaxError({ message: 'the query ends too soon', at: this.end });
    switch (token.kind) {
      case 'error':
        throw new QuerySyntaxError(token.error);
      case 'not': {
        const next = this.tokens[this.i];
        if (!next || next.kind === 'close' || next.kind === 'or') {
          throw new QuerySyntaxError({ message: 'NOT needs something after it', at: token.at });
        }
        return { type: 'not', item: this.unary() };
      }
      case 'open': {
        const inner = this.or();
        const close = this.tokens[this.i];
        if (close?.kind !== 'close') throw new QuerySyntaxError({ message: 'a ( is not closed', at: token.at });
        this.i++;
        return inner;
      }
      case 'item':
        return token.expr;
      default:
        throw new QuerySyntaxError({ message: `unexpected ${token.kind.toUpperCase()}`, at: token.at });
    }
  }
}

/** Operators whose negation is another operator for every record, the field present or not. */
const INVERSE: Partial<Record<Operator, Operator>> = { '=': '!=', '!=': '=' };

function collectMarks(expr: Expr, out: string[]): void {
  if (expr.type === 'term') out.push(expr.text);
  else if (expr.type === 'and' || expr.type === 'or') for (const item of expr.items) collectMarks(item, out);
}

/** An empty query: everything passes. */
function emptyQuery(): Query {
  return { expr: undefined, terms: [], conditions: [], rest: [], marks: [] };
}

/** Parses the search box's text. Never throws: a query that cannot be read comes back with `error` set. */
export function parseQuery(text: string): Query {
  let expr: Expr | undefined;
  try {
    expr = new Parser(new Lexer(text).tokens(), text.length).parse();
  } catch (error) {
    if (!(error instanceof QuerySyntaxError)) throw error;
    return { ...emptyQuery(), error: error.detail };
  }
  const query = emptyQuery();
  if (!expr) return query;
  query.expr = expr;
  for (const item of expr.type === 'and' ? expr.items : [expr]) {
    if (item.type === 'term') {
      if (item.text.trim()) query.terms.push(item.text);
    } else if (item.type === 'cond') query.conditions.push(item.cond);
    else if (item.type === 'not' && item.item.type === 'cond' && INVERSE[item.item.cond.op]) {
      // `-status=200` is `status!=200` (a record without the field passes both): a condition a
      // scan reads from a column, rather than a negation that reads every record.
      const cond = item.item.cond;
      query.conditions.push({ ...cond, op: INVERSE[cond.op] as Operator });
    } else query.rest.push(item);
  }
  collectMarks(expr, query.marks);
  query.marks = query.marks.filter((m) => m.trim() !== '');
  return query;
}

/** True when the query selects everything. */
export function isEmptyQuery(query: Query): boolean {
  return query.terms.length === 0 && query.conditions.length === 0 && query.rest.length === 0;
}
