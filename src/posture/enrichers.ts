/** Each cloud's enricher: facts derived from the whole inventory (`d` in check expressions). */
import { enrichAws } from './aws/enrich.js';
import { enrichAzure } from './azure/enrich.js';
import type { Enricher } from './evaluate.js';
import { enrichGcp } from './gcp/enrich.js';
import type { Cloud } from './snapshot.js';

export const ENRICHERS: Record<Cloud, Enricher> = { aws: enrichAws, azure: enrichAzure, gcp: enrichGcp };
