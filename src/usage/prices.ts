import { z } from 'zod';
import { dataFile, loadYamlData } from './data.js';
import type { ModelPrice, Provider } from './types.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');
const price = z.number().finite().nonnegative();

export const PriceEntry = z.strictObject({
  provider: z.enum(['aws', 'azure', 'gcp']),
  /** Exact model id, or a pattern where `*` matches any run of characters. */
  model: z.string().min(1),
  /** Exact region, or a `*` pattern (e.g. `eu-*`). */
  region: z.string().min(1).optional(),
  inputPer1k: price,
  outputPer1k: price,
  source: z.url({ protocol: /^https$/ }),
  asOf: isoDate,
  /** The key or row of the source the figures were read from. */
  ref: z.string().min(1),
});
export type PriceEntry = z.infer<typeof PriceEntry>;

export const PricesFile = z.looseObject({ prices: z.array(PriceEntry).min(1) }).superRefine((file, ctx) => {
  const seen = new Map<string, number>();
  file.prices.forEach((p, i) => {
    const key = `${p.provider} ${p.model} ${p.region ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['prices', i, 'model'],
        message: `duplicate price for ${p.provider} ${p.model}${p.region ? ` in ${p.region}` : ''} (first at prices.${first})`,
      });
    } else seen.set(key, i);
  });
});

interface Compiled {
  entry: PriceEntry;
  model: RegExp;
  /** Exact entries beat patterns; longer literal text beats shorter. */
  specificity: number;
  region?: RegExp;
}

function glob(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

function specificity(pattern: string): number {
  return pattern.includes('*') ? pattern.replaceAll('*', '').length : Number.MAX_SAFE_INTEGER;
}

/** Bedrock profile prefixes: the bare model id follows the first dot. */
const AWS_PROFILE_PREFIX = /^(?:us|eu|apac|au|ca|jp|us-gov|global)\./i;

/**
 * The ids a model is looked up under, most specific first: as written; without an ARN's
 * `…:foundation-model/` or `…:inference-profile/` part; without a cross-region profile prefix.
 */
export function lookupIds(provider: Provider, model: string): string[] {
  const ids = [model];
  if (provider === 'aws') {
    const slash = model.startsWith('arn:') ? model.lastIndexOf('/') : -1;
    const bare = slash >= 0 ? model.slice(slash + 1) : model;
    if (bare !== model) ids.push(bare);
    if (AWS_PROFILE_PREFIX.test(bare)) ids.push(bare.replace(AWS_PROFILE_PREFIX, ''));
  }
  if (provider === 'gcp') {
    // `publishers/google/models/gemini-2.0-flash` or a full resource name.
    const m = /models\/([^/]+)$/.exec(model);
    if (m) ids.push(m[1]!);
  }
  return [...new Set(ids)];
}

/** Distinct (provider, model, region) answers remembered per book. */
const ANSWERS_CAP = 4096;

/** A price table: the built-in one is `defaultPriceBook()`. */
export class PriceBook {
  readonly #byProvider = new Map<Provider, Compiled[]>();
  readonly #answers = new Map<string, ModelPrice | null>();
  readonly size: number;

  constructor(entries: readonly PriceEntry[]) {
    for (const entry of entries) {
      const list = this.#byProvider.get(entry.provider) ?? [];
      list.push({
        entry,
        model: glob(entry.model),
        specificity: specificity(entry.model),
        region: entry.region === undefined ? undefined : glob(entry.region),
      });
      this.#byProvider.set(entry.provider, list);
    }
    for (const list of this.#byProvider.values()) list.sort((a, b) => b.specificity - a.specificity);
    this.size = entries.length;
  }

  /**
   * The price of a model: for each lookup id (as written first), an entry for the region beats a
   * region-less one; the most specific model pattern wins. Undefined when no entry matches.
   */
  priceFor(provider: Provider, model: string, region?: string): ModelPrice | undefined {
    // Every call of a run asks about the same few models: remember the answers (bounded: model
    // names come from the logs).
    const key = `${provider}\u0000${model}\u0000${region ?? '\u0001'}`;
    let hit = this.#answers.get(key);
    if (hit === undefined) {
      if (this.#answers.size >= ANSWERS_CAP) this.#answers.clear();
      hit = this.#lookup(provider, model, region) ?? null;
      this.#answers.set(key, hit);
    }
    return hit === null ? undefined : { ...hit };
  }

  #lookup(provider: Provider, model: string, region?: string): ModelPrice | undefined {
    const list = this.#byProvider.get(provider);
    if (!list) return undefined;
    for (const id of lookupIds(provider, model)) {
      const matches = list.filter((c) => c.model.test(id));
      const regional = region === undefined ? undefined : matches.find((c) => c.region?.test(region));
      const hit = regional ?? matches.find((c) => c.region === undefined);
      if (hit) {
        const { entry } = hit;
        return {
          provider: entry.provider,
          model: entry.model,
          ...(entry.region === undefined ? {} : { region: entry.region }),
          inputPer1k: entry.inputPer1k,
          outputPer1k: entry.outputPer1k,
          currency: 'USD',
          source: entry.source,
          asOf: entry.asOf,
        };
      }
    }
    return undefined;
  }
}

/** Validates a prices file's text (for tests and for users' own tables). */
export function parsePrices(file: string, text?: string): PriceEntry[] {
  return loadYamlData(file, PricesFile, text).prices;
}

let builtin: PriceBook | undefined;

/** The built-in table from prices.yml, loaded once. */
export function defaultPriceBook(): PriceBook {
  builtin ??= new PriceBook(parsePrices(dataFile('prices.yml')));
  return builtin;
}

/** The price of a model in the built-in table; undefined means unpriced (never guessed). */
export function priceFor(provider: Provider, model: string, region?: string): ModelPrice | undefined {
  return defaultPriceBook().priceFor(provider, model, region);
}
