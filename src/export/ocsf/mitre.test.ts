import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DATASETS } from '../../../test/fixtures/export/findings.js';
import { attacksFromTags, MITRE_NAMES } from './mitre.js';

const T1496 = { uid: 'T1496', name: 'Resource Hijacking', src_url: 'https://attack.mitre.org/techniques/T1496/' };
const T1496_004 = {
  uid: 'T1496.004',
  name: 'Cloud Service Hijacking',
  src_url: 'https://attack.mitre.org/techniques/T1496/004/',
};
const IMPACT = { uid: 'TA0040', name: 'Impact', src_url: 'https://attack.mitre.org/tactics/TA0040/' };

describe('attacksFromTags', () => {
  it('maps a sub-technique tag to technique and sub-technique, with the sole tactic', () => {
    expect(attacksFromTags(['attack.impact', 'attack.t1496.004'])).toEqual([
      { tactic: IMPACT, technique: T1496, sub_technique: T1496_004 },
    ]);
  });

  it('drops a parent technique that a sub-technique already covers, and duplicates', () => {
    expect(attacksFromTags(['attack.t1496', 'attack.T1496.004', 'T1496.004', 'attack.t1496'])).toEqual([
      { technique: T1496, sub_technique: T1496_004 },
    ]);
  });

  it('does not pair techniques with tactics when the rule names several tactics', () => {
    const attacks = attacksFromTags([
      'attack.initial-access',
      'attack.persistence',
      'attack.privilege_escalation',
      'attack.t1078.004',
    ]);
    expect(attacks).toEqual([
      {
        technique: { uid: 'T1078', name: 'Valid Accounts', src_url: 'https://attack.mitre.org/techniques/T1078/' },
        sub_technique: {
          uid: 'T1078.004',
          name: 'Cloud Accounts',
          src_url: 'https://attack.mitre.org/techniques/T1078/004/',
        },
      },
      { tactic: { uid: 'TA0001', name: 'Initial Access', src_url: 'https://attack.mitre.org/tactics/TA0001/' } },
      { tactic: { uid: 'TA0003', name: 'Persistence', src_url: 'https://attack.mitre.org/tactics/TA0003/' } },
      { tactic: { uid: 'TA0004', name: 'Privilege Escalation', src_url: 'https://attack.mitre.org/tactics/TA0004/' } },
    ]);
  });

  it('lists tactics alone when there is no technique, from names or ids', () => {
    expect(attacksFromTags(['attack.TA0040', 'attack.defense-impairment'])).toEqual([
      { tactic: IMPACT },
      {
        tactic: {
          uid: 'TA0112',
          name: 'Defense Impairment',
          src_url: 'https://attack.mitre.org/tactics/TA0112/',
        },
      },
    ]);
  });

  it('maps ATLAS techniques and tactics separately from ATT&CK', () => {
    expect(attacksFromTags(['AML.T0048.000', 'atlas.aml.ta0011', 'attack.t1496', 'attack.impact'])).toEqual([
      { tactic: IMPACT, technique: T1496 },
      {
        tactic: { uid: 'AML.TA0011', src_url: 'https://atlas.mitre.org/tactics/AML.TA0011' },
        technique: {
          uid: 'AML.T0048',
          name: 'External Harms',
          src_url: 'https://atlas.mitre.org/techniques/AML.T0048',
        },
        sub_technique: {
          uid: 'AML.T0048.000',
          name: 'Financial Harm',
          src_url: 'https://atlas.mitre.org/techniques/AML.T0048.000',
        },
      },
    ]);
  });

  it('keeps an id it has no name for, without a name', () => {
    expect(attacksFromTags(['attack.t1999.123'])).toEqual([
      {
        technique: { uid: 'T1999', src_url: 'https://attack.mitre.org/techniques/T1999/' },
        sub_technique: { uid: 'T1999.123', src_url: 'https://attack.mitre.org/techniques/T1999/123/' },
      },
    ]);
  });

  it('ignores groups, software, unknown tactic words and free tags', () => {
    expect(
      attacksFromTags(['attack.g0016', 'attack.s0002', 'attack.not-a-tactic', 'impact', 'llmjacking', '']),
    ).toEqual([]);
  });
});

describe('the MITRE name table', () => {
  it('is valid data with unique ATT&CK tactic ids per name', () => {
    expect(Object.keys(MITRE_NAMES.tactics).length).toBeGreaterThanOrEqual(14);
    // Only the v19 rename shares an id between two names.
    const ids = Object.values(MITRE_NAMES.tactics).map((t) => t.uid);
    const shared = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(shared).toEqual(['TA0005']);
  });

  it('knows every ATT&CK tactic tag used by the SigmaHQ cloud rules', () => {
    const root = path.join(DATASETS, 'sigma/cloud');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yml'));
    expect(files.length).toBeGreaterThan(50);
    const tactics = new Set<string>();
    for (const file of files) {
      const rule = parse(readFileSync(path.join(root, file), 'utf8')) as { tags?: string[] };
      for (const tag of rule.tags ?? []) {
        const m = /^attack\.([a-z_-]+)$/.exec(tag);
        if (m) tactics.add(m[1]!);
      }
    }
    expect(tactics.size).toBeGreaterThan(8);
    for (const tactic of tactics) {
      const attacks = attacksFromTags([`attack.${tactic}`]);
      expect(attacks, `attack.${tactic}`).toHaveLength(1);
      expect(attacks[0]!.tactic?.name, `attack.${tactic}`).toBeTruthy();
    }
  });
});
