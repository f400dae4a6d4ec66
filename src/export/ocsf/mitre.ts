/**
 * Rule tags and finding mappings → OCSF `attack` objects (MITRE ATT&CK and ATLAS).
 *
 * Tags are Sigma style (`attack.t1496.004`, `attack.impact`, `attack.privilege_escalation`) or bare
 * ids (`T1496.004`, `TA0040`, `AML.T0034`, `atlas.aml.t0034`). A sub-technique goes to
 * `sub_technique` with its parent in `technique`. Tags do not say which tactic a technique serves, so
 * a tactic is attached to techniques only when the rule names exactly one tactic of that framework;
 * otherwise techniques and tactics are listed as separate entries rather than paired by guess.
 */
import { z } from 'zod';
import { JackstopError } from '../../errors.js';
import mitreData from './mitre.json' with { type: 'json' };

const MitreNames = z.object({
  tactics: z.record(
    z.string().regex(/^[a-z]+(-[a-z]+)*$/),
    z.object({ uid: z.string().regex(/^TA\d{4}$/), name: z.string().min(1) }),
  ),
  techniques: z.record(z.string().regex(/^T\d{4}(\.\d{3})?$/), z.string().min(1)),
  atlasTechniques: z.record(z.string().regex(/^AML\.T\d{4}(\.\d{3})?$/), z.string().min(1)),
});
type MitreNames = z.infer<typeof MitreNames>;

function loadNames(): MitreNames {
  const parsed = MitreNames.safeParse(mitreData);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new JackstopError(
      'JACKSTOP_EXPORT_ERROR',
      `The bundled MITRE name table is invalid at ${issue?.path.join('.')}: ${issue?.message}.`,
      { location: { file: 'src/export/ocsf/mitre.json' }, cause: parsed.error },
    );
  }
  return parsed.data;
}

export const MITRE_NAMES: MitreNames = loadNames();

export interface OcsfMitreRef {
  uid: string;
  name?: string;
  src_url?: string;
}

export interface OcsfAttack {
  tactic?: OcsfMitreRef;
  technique?: OcsfMitreRef;
  sub_technique?: OcsfMitreRef;
}

type Framework = 'attack' | 'atlas';

interface ParsedTechnique {
  framework: Framework;
  technique: string;
  subTechnique?: string;
}

interface ParsedTactic {
  framework: Framework;
  uid: string;
  name?: string;
}

const ATTACK_TECHNIQUE = /^(?:attack\.)?(t\d{4})(?:\.(\d{3}))?$/i;
const ATTACK_TACTIC_ID = /^(?:attack\.)?(ta\d{4})$/i;
const ATTACK_TACTIC_NAME = /^attack\.([a-z]+(?:[-_][a-z]+)*)$/i;
const ATLAS_TECHNIQUE = /^(?:atlas\.)?(aml\.t\d{4})(?:\.(\d{3}))?$/i;
const ATLAS_TACTIC = /^(?:atlas\.)?(aml\.ta\d{4})$/i;

function parseTag(tag: string): ParsedTechnique | ParsedTactic | undefined {
  const t = tag.trim();
  let m = ATTACK_TECHNIQUE.exec(t);
  if (m) {
    const technique = m[1]!.toUpperCase();
    return { framework: 'attack', technique, ...(m[2] ? { subTechnique: `${technique}.${m[2]}` } : {}) };
  }
  m = ATLAS_TECHNIQUE.exec(t);
  if (m) {
    const technique = m[1]!.toUpperCase();
    return { framework: 'atlas', technique, ...(m[2] ? { subTechnique: `${technique}.${m[2]}` } : {}) };
  }
  m = ATTACK_TACTIC_ID.exec(t);
  if (m) {
    const uid = m[1]!.toUpperCase();
    const known = Object.values(MITRE_NAMES.tactics).find((tactic) => tactic.uid === uid);
    return { framework: 'attack', uid, ...(known ? { name: known.name } : {}) };
  }
  m = ATLAS_TACTIC.exec(t);
  if (m) return { framework: 'atlas', uid: m[1]!.toUpperCase() };
  // A tactic name counts only in the `attack.` namespace: a bare `collection` may be any free tag.
  m = ATTACK_TACTIC_NAME.exec(t);
  if (m) {
    const known = MITRE_NAMES.tactics[m[1]!.toLowerCase().replaceAll('_', '-')];
    if (known) return { framework: 'attack', uid: known.uid, name: known.name };
  }
  return undefined;
}

function techniqueRef(framework: Framework, uid: string): OcsfMitreRef {
  const name = framework === 'attack' ? MITRE_NAMES.techniques[uid] : MITRE_NAMES.atlasTechniques[uid];
  return { uid, ...(name ? { name } : {}), src_url: permalink(framework, 'techniques', uid) };
}

function tacticRef(tactic: ParsedTactic): OcsfMitreRef {
  return {
    uid: tactic.uid,
    ...(tactic.name ? { name: tactic.name } : {}),
    src_url: permalink(tactic.framework, 'tactics', tactic.uid),
  };
}

/** ATT&CK writes a sub-technique as `T1496/004/`; ATLAS keeps the dotted id. */
function permalink(framework: Framework, kind: 'techniques' | 'tactics', uid: string): string {
  if (framework === 'atlas') return `https://atlas.mitre.org/${kind}/${uid}`;
  return `https://attack.mitre.org/${kind}/${uid.replace('.', '/')}/`;
}

/** OCSF `attack` objects for a set of tags; empty when none is an ATT&CK or ATLAS reference. */
export function attacksFromTags(tags: readonly string[]): OcsfAttack[] {
  const techniques = new Map<string, ParsedTechnique>();
  const tactics = new Map<string, ParsedTactic>();
  for (const tag of tags) {
    const parsed = parseTag(tag);
    if (!parsed) continue;
    if ('technique' in parsed) {
      const key = parsed.subTechnique ?? parsed.technique;
      if (!techniques.has(key)) techniques.set(key, parsed);
    } else if (!tactics.has(parsed.uid)) {
      tactics.set(parsed.uid, parsed);
    }
  }
  // `T1496` adds nothing when `T1496.004` is also there.
  for (const [key, t] of techniques) {
    if (!t.subTechnique && [...techniques.values()].some((o) => o.subTechnique && o.technique === t.technique)) {
      techniques.delete(key);
    }
  }

  const attacks: OcsfAttack[] = [];
  for (const framework of ['attack', 'atlas'] as const) {
    const ownTechniques = [...techniques.values()].filter((t) => t.framework === framework);
    const ownTactics = [...tactics.values()].filter((t) => t.framework === framework);
    const soleTactic = ownTactics.length === 1 ? ownTactics[0] : undefined;
    for (const t of ownTechniques) {
      attacks.push({
        ...(soleTactic ? { tactic: tacticRef(soleTactic) } : {}),
        technique: techniqueRef(framework, t.technique),
        ...(t.subTechnique ? { sub_technique: techniqueRef(framework, t.subTechnique) } : {}),
      });
    }
    if (!soleTactic || ownTechniques.length === 0) {
      for (const tactic of ownTactics) attacks.push({ tactic: tacticRef(tactic) });
    }
  }
  return attacks;
}
