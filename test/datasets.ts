/**
 * Where the shared, third-party datasets are (SigmaHQ rules, real CloudTrail …). CI checks the
 * repository out with `shared/` beside it; a clone elsewhere (say /tmp) finds the team's copy at
 * /work/shared; `JACKSTOP_DATASETS` overrides both. Tests that need the data fail, not skip,
 * when none is found: silently skipping real-data tests would hide regressions.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CANDIDATES = [process.env.JACKSTOP_DATASETS, join(REPO, '..', 'shared', 'datasets'), '/work/shared/datasets'];

export const DATASETS: string =
  CANDIDATES.find((p): p is string => !!p && existsSync(p)) ?? join(REPO, '..', 'shared', 'datasets');
