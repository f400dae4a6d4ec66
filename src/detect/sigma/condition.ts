/**
 * The `condition` language, parsed by recursive descent.
 *
 * Precedence, loosest first (specification): `or`, `and`, `not`, `x of …`, parentheses.
 * Quantifiers: `1 of`, `any of` (pySigma's synonym) and `all of`, over `them` or a pattern with `*`.
 * Operators are matched case-insensitively. The Sigma 1 pipe syntax (`| count() > 5`, `| near`) is
 * recognised only to refuse it with a pointer to correlation rules.
 */

export type ConditionExpr =
  | { readonly op: 'and' | 'or'; readonly args: readonly ConditionExpr[]; readonly offset: number }
  | { readonly op: 'not'; readonly arg: ConditionExpr; readonly offset: number }
  | { readonly op: 'ref'; readonly name: string; readonly offset: number }
  | {
      readonly op: 'of';
      readonly quantifier: 'any' | 'all';
      /** `them` or a pattern such as `selection_*`. */
      readonly target: string;
      readonly offset: number;
    };

export class ConditionError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the condition. */
    readonly offset: number,
    readonly code: 'JACKSTOP_RULE_INVALID' | 'JACKSTOP_RULE_UNSUPPORTED' = 'JACKSTOP_RULE_INVALID',
  ) {
    super(message);
    this.name = 'ConditionError';
  }
}

interface Token {
  readonly kind: 'word' | '(' | ')' | '|' | 'end';
  readonly text: string;
  readonly offset: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '|') {
      tokens.push({ kind: c, text: c, offset: i });
      i++;
    } else {
      const start = i;
      while (i < text.length && !/[\s()|]/.test(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), offset: start });
    }
  }
  tokens.push({ kind: 'end', text: '', offset: text.length });
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them']);

function isKeyword(t: Token, word: string): boolean {
  return t.kind === 'word' && t.text.toLowerCase() === word;
}

/** Explain a Sigma 1 pipe expression (`| count() …`, `| near …`) as unsupported. */
function pipeError(text: string, offset: number): ConditionError {
  const rest = text.slice(offset).trim();
  const agg = /^\|\s*(count|min|max|avg|sum)\s*\(\s*([^)]*?)\s*\)/i.exec(rest);
  if (agg) {
    const fn = agg[1]!.toLowerCase();
    const target =
      fn === 'count'
        ? agg[2]
          ? 'a Sigma correlation rule (type: value_count)'
          : 'a Sigma correlation rule (type: event_count)'
        : 'a Sigma correlation rule';
    return new ConditionError(
      `uses the deprecated Sigma 1 aggregation \`${rest}\`; rewrite it as ${target} with group-by and timespan`,
      offset,
      'JACKSTOP_RULE_UNSUPPORTED',
    );
  }
  if (/^\|\s*near\b/i.test(rest)) {
    return new ConditionError(
      `uses the obsolete Sigma 1 \`near\` operator (\`${rest}\`); rewrite it as a Sigma correlation rule (type: temporal)`,
      offset,
      'JACKSTOP_RULE_UNSUPPORTED',
    );
  }
  return new ConditionError(`unexpected \`|\` in the condition; conditions use and, or, not and parentheses`, offset);
}

class Parser {
  readonly #tokens: Token[];
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenize(text);
  }

  parse(): ConditionExpr {
    if (this.#peek().kind === 'end') throw new ConditionError('the condition is empty', 0);
    const expr = this.#or();
    const t = this.#peek();
    if (t.kind === '|') throw pipeError(this.#text, t.offset);
    if (t.kind !== 'end') {
      throw new ConditionError(`unexpected \`${t.text}\`; expected and, or, or the end of the condition`, t.offset);
    }
    return expr;
  }

  #peek(ahead = 0): Token {
    return this.#tokens[Math.min(this.#pos + ahead, this.#tokens.length - 1)]!;
  }

  #next(): Token {
    const t = this.#peek();
    if (this.#pos < this.#tokens.length - 1) this.#pos++;
    return t;
  }

  #or(): ConditionExpr {
    const first = this.#and();
    const args = [first];
    while (isKeyword(this.#peek(), 'or')) {
      this.#next();
      args.push(this.#and());
    }
    return args.length === 1 ? first : { op: 'or', args, offset: first.offset };
  }

  #and(): ConditionExpr {
    const first = this.#unary();
    const args = [first];
    while (isKeyword(this.#peek(), 'and')) {
      this.#next();
      args.push(this.#unary());
    }
    return args.length === 1 ? first : { op: 'and', args, offset: first.offset };
  }

  #unary(): ConditionExpr {
    const t = this.#peek();
    if (isKeyword(t, 'not')) {
      this.#next();
      return { op: 'not', arg: this.#unary(), offset: t.offset };
    }
    return this.#primary();
  }

  #primary(): ConditionExpr {
    const t = this.#next();
    if (t.kind === '(') {
      const inner = this.#or();
      const close = this.#next();
      if (close.kind === '|') throw pipeError(this.#text, close.offset);
      if (close.kind !== ')') {
        throw new ConditionError(`missing \`)\` for the \`(\` at character ${t.offset + 1}`, close.offset);
      }
      return inner;
    }
    if (t.kind === 'end')
      throw new ConditionError('the condition ends too early; expected a search identifier', t.offset);
    if (t.kind === '|') throw pipeError(this.#text, t.offset);
    if (t.kind === ')') throw new ConditionError('unexpected `)`', t.offset);
    if (isKeyword(this.#peek(), 'of')) return this.#quantified(t);
    const lower = t.text.toLowerCase();
    if (KEYWORDS.has(lower)) {
      throw new ConditionError(`unexpected \`${t.text}\`; expected a search identifier`, t.offset);
    }
    if (t.text.includes('*')) {
      throw new ConditionError(
        `\`${t.text}\` is a pattern; write \`1 of ${t.text}\` or \`all of ${t.text}\` to use it`,
        t.offset,
      );
    }
    return { op: 'ref', name: t.text, offset: t.offset };
  }

  #quantified(q: Token): ConditionExpr {
    this.#next(); // `of`
    const lower = q.text.toLowerCase();
    let quantifier: 'any' | 'all';
    if (lower === '1' || lower === 'any') quantifier = 'any';
    else if (lower === 'all') quantifier = 'all';
    else if (/^\d+$/.test(lower)) {
      throw new ConditionError(
        `\`${q.text} of\` is not Sigma: only \`1 of\` (any) and \`all of\` exist; for "at least ${q.text}" ` +
          'split the rule or use a correlation rule',
        q.offset,
      );
    } else {
      throw new ConditionError(`\`${q.text} of\` is not valid; write \`1 of\` or \`all of\``, q.offset);
    }
    const target = this.#next();
    if (target.kind !== 'word' || (KEYWORDS.has(target.text.toLowerCase()) && !isKeyword(target, 'them'))) {
      throw new ConditionError(
        `\`${q.text} of\` must be followed by \`them\` or a search identifier pattern such as \`selection_*\``,
        target.offset,
      );
    }
    return {
      op: 'of',
      quantifier,
      target: isKeyword(target, 'them') ? 'them' : target.text,
      offset: q.offset,
    };
  }
}

/** Parse one condition string. Throws `ConditionError`. */
export function parseCondition(text: string): ConditionExpr {
  return new Parser(text).parse();
}

/** Does a search identifier match an `x of` pattern (`*` = any run of characters)? */
export function matchesPattern(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last)) return false;
  let pos = first.length;
  const stop = name.length - last.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const at = name.indexOf(parts[k]!, pos);
    if (at < 0 || at + parts[k]!.length > stop) return false;
    pos = at + parts[k]!.length;
  }
  return true;
}
