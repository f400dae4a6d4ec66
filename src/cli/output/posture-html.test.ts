import { describe, expect, it } from 'vitest';
import {
  type Collection,
  emptySnapshot,
  evaluateChecks,
  mergeSnapshot,
  parseCheck,
  parseFramework,
  postureFindings,
  type Resource,
  requirementTable,
} from '../../posture/index.js';
import type { PostureReport } from './posture.js';
import { escapeHtml, renderPostureHtml } from './posture-html.js';

const EVIL = '<script>alert(1)</script>';

const CHECK = parseCheck(
  `
id: jackstop.aws.bedrock.guardrail-content
title: Guardrails filter harmful content
cloud: aws
severity: critical
resource: aws.bedrock.guardrail
pass: r.contentPolicy == true
rationale: A guardrail without a content policy lets "anything" through.
remediation:
  text: Add a content policy to guardrail {{name}}.
  cli: aws bedrock update-guardrail --guardrail-identifier '{{id}}' --content-policy-config '{"filtersConfig":[]}'
  terraform: |
    resource "aws_bedrock_guardrail" "g" {
      name = "{{name}}"
    }
examples:
  pass: [{ attributes: { contentPolicy: true } }]
  fail: [{ attributes: { contentPolicy: false } }]
`,
  'guardrail.yml',
);

const FRAMEWORK = parseFramework(
  `
id: owasp-llm
name: OWASP Top 10 for LLM Applications
version: "2025"
url: https://genai.owasp.org/llm-top-10/
requirements:
  - id: LLM01
    title: Prompt <Injection>
  - id: LLM02
    title: Sensitive Information Disclosure
    checks: [jackstop.aws.bedrock.guardrail-content]
`,
  'owasp-llm.yml',
);

function report(over: Partial<PostureReport> = {}): PostureReport {
  const evil: Resource = {
    cloud: 'aws',
    type: 'aws.bedrock.guardrail',
    id: `arn:aws:bedrock:us-east-1:111111111111:guardrail/${EVIL}`,
    account: '111111111111',
    region: 'us-east-1',
    name: EVIL,
    attributes: { contentPolicy: false },
  };
  const good: Resource = {
    ...evil,
    id: 'arn:aws:bedrock:us-east-1:111111111111:guardrail/ok',
    name: 'ok',
    attributes: { contentPolicy: true },
  };
  const failed: Collection = {
    cloud: 'aws',
    account: '111111111111',
    region: 'eu-west-1',
    type: 'aws.bedrock.guardrail',
    status: 'error',
    count: 0,
    error: { code: 'AccessDenied', message: `no <b>access</b> for ${EVIL}` },
  };
  const snapshot = mergeSnapshot(emptySnapshot(new Date('2025-01-01T00:00:00Z'), { name: 'Jackstop', version: 't' }), {
    accounts: [{ cloud: 'aws', id: '111111111111', name: `prod ${EVIL}`, regions: ['us-east-1', 'eu-west-1'] }],
    collections: [
      {
        cloud: 'aws',
        account: '111111111111',
        region: 'us-east-1',
        type: 'aws.bedrock.guardrail',
        status: 'ok',
        count: 2,
      },
      failed,
    ],
    resources: [evil, good],
  });
  const results = evaluateChecks(snapshot, [CHECK]);
  return {
    tool: { name: 'Jackstop', version: '0.1.0' },
    generatedAt: '2025-01-01T01:00:00.000Z',
    snapshot: { file: `snap-${EVIL}.json`, collectedAt: snapshot.collectedAt, accounts: snapshot.accounts },
    checks: [CHECK],
    results,
    findings: postureFindings(results, snapshot.collectedAt, [FRAMEWORK]),
    stored: true,
    ...over,
  };
}

describe('renderPostureHtml', () => {
  it('escapes every value from the snapshot: no markup gets through', () => {
    const html = renderPostureHtml(report());
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>access');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('no &lt;b&gt;access&lt;/b&gt; for');
    expect(html).toContain('prod &lt;script&gt;');
    expect(html).toContain('lets &quot;anything&quot; through');
  });

  it('is self-contained: inline CSS, no scripts, links, images or remote fonts', () => {
    const html = renderPostureHtml(report({ framework: { framework: FRAMEWORK, rows: [] } }));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<style>');
    for (const external of [/<script/i, /<link/i, /<img/i, /\bsrc=/i, /\bhref=/i, /url\(/i, /@import/i]) {
      expect(html).not.toMatch(external);
    }
  });

  it('has the summary cards, the failed check with its remediation, and the could-not-check list', () => {
    const html = renderPostureHtml(report());
    // All clouds and aws: 1 pass, 1 fail, 1 could not check.
    const cards = html.match(
      /<div class="card"><h3>([^<]+)<\/h3><div class="stats">\s*<div class="stat pass"><b>(\d+)<\/b>[\s\S]*?<div class="stat fail"><b>(\d+)<\/b>[\s\S]*?<div class="stat cnc"><b>(\d+)<\/b>/g,
    );
    expect(cards).toHaveLength(2);
    for (const c of cards!) expect(c).toMatch(/pass"><b>1<[\s\S]*fail"><b>1<[\s\S]*cnc"><b>1</);
    expect(html).toContain(
      '<span class="badge sev-critical">Critical</span><strong>Guardrails filter harmful content</strong>',
    );
    expect(html).toContain('Add a content policy to guardrail &lt;script&gt;alert(1)&lt;/script&gt;.');
    expect(html).toMatch(
      /<p class="label">CLI<\/p><pre>aws bedrock update-guardrail --guardrail-identifier &#39;arn:aws:bedrock:us-east-1:111111111111:guardrail\/&lt;script&gt;/,
    );
    expect(html).toMatch(
      /<p class="label">Terraform<\/p><pre>resource &quot;aws_bedrock_guardrail&quot; &quot;g&quot; \{\n {2}name = &quot;&lt;script&gt;/,
    );
    expect(html).toContain('<h2>Could not check (1)</h2>');
    expect(html).toContain('aws / 111111111111 / eu-west-1');
    expect(html).toContain('jackstop findings show');
    expect(html).not.toContain('<h2>OWASP');
  });

  it('adds the framework table when one is given', () => {
    const r = report();
    const html = renderPostureHtml({
      ...r,
      framework: { framework: FRAMEWORK, rows: requirementTable(FRAMEWORK, r.results) },
    });
    expect(html).toContain('<h2>OWASP Top 10 for LLM Applications 2025 <code>owasp-llm</code></h2>');
    expect(html).toContain(
      '<td><code>LLM01</code></td><td>Prompt &lt;Injection&gt;</td><td><span class="status-not-covered">not covered</span></td>',
    );
    expect(html).toContain(
      '<td><code>LLM02</code></td><td>Sensitive Information Disclosure</td><td><span class="status-fail">fail</span></td><td class="n">1</td><td class="n">1</td><td class="n">1</td>',
    );
  });

  it('escapeHtml covers the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
