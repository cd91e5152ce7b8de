import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordDeployment, type DeploymentRecord } from '../../../lib/report/deploymentSection';

function reportDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-section-'));
  writeFileSync(join(dir, 'model_comparison.md'), '# Model comparison — candidate v1.1.0\n\n## Promotion criteria\n');
  writeFileSync(join(dir, 'model_comparison.html'), '<!doctype html>\n<html><body>\n<h1>Model comparison</h1>\n</body></html>\n');
  writeFileSync(join(dir, 'model_comparison.json'), JSON.stringify({ version: 'v1.1.0', recommendation: 'promote' }));
  return dir;
}

const record = (o: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  pipelineId: 'train-m-0123456789ab',
  decidedAt: '2026-11-20T10:00:00.000Z',
  finishedAt: '2026-11-20T10:00:03.250Z',
  outcome: 'serving',
  approvalToServingMs: 3250,
  instances: [
    { url: 'http://10.0.0.1:8080/', switchedAt: '2026-11-20T10:00:03.250Z', problem: null },
    { url: 'http://10.0.0.2:8080/', switchedAt: '2026-11-20T10:00:02.100Z', problem: null },
  ],
  ...o,
});

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

describe('recordDeployment', () => {
  it('adds a Deployment section with the approval → serving time to the Markdown, HTML and JSON report', async () => {
    const dir = reportDir();
    expect(await recordDeployment(dir, record())).toBe(true);
    const md = read(dir, 'model_comparison.md');
    expect(md).toContain('## Promotion criteria');
    expect(md).toContain('## Deployment');
    expect(md).toMatch(
      /\| `train-m-0123456789ab` \| 2026-11-20T10:00:00.000Z \| 2026-11-20T10:00:03.250Z \| 3\.3 s \| all 2 instance\(s\) serve it \|/,
    );
    expect(md).toContain('- http://10.0.0.2:8080/: serving since 2026-11-20T10:00:02.100Z');
    const html = read(dir, 'model_comparison.html');
    expect(html.indexOf('<h2>Deployment</h2>')).toBeGreaterThan(html.indexOf('<h1>Model comparison</h1>'));
    expect(html.indexOf('<h2>Deployment</h2>')).toBeLessThan(html.indexOf('</body>'));
    const json = JSON.parse(read(dir, 'model_comparison.json')) as { version: string; deployments: DeploymentRecord[] };
    expect(json.version).toBe('v1.1.0');
    expect(json.deployments).toEqual([record()]);
  });

  it('keeps one entry per run when the deploy step is retried, and lists a later deploy (a rollback to the version) after it', async () => {
    const dir = reportDir();
    await recordDeployment(dir, record({ approvalToServingMs: 9000 }));
    await recordDeployment(dir, record());
    const failed = record({
      pipelineId: 'rollback-m-1',
      outcome: 'not_switched',
      approvalToServingMs: null,
      instances: [{ url: 'http://10.0.0.2:8080/', switchedAt: null, problem: 'unreachable' }],
    });
    await recordDeployment(dir, failed);
    const md = read(dir, 'model_comparison.md');
    expect(md.match(/## Deployment/g)).toHaveLength(1);
    expect(md).not.toContain('9.0 s');
    expect(md).toContain('did not finish: 1 of 1 instance(s) did not switch; production was rolled back');
    expect(md).toContain('- http://10.0.0.2:8080/: not switched (unreachable)');
    expect(read(dir, 'model_comparison.html').match(/<h2>Deployment<\/h2>/g)).toHaveLength(1);
    const json = JSON.parse(read(dir, 'model_comparison.json')) as { deployments: DeploymentRecord[] };
    expect(json.deployments.map((d) => [d.pipelineId, d.approvalToServingMs])).toEqual([
      ['train-m-0123456789ab', 3250],
      ['rollback-m-1', null],
    ]);
  });

  it('reports false and writes nothing for a version without a report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-section-none-'));
    expect(await recordDeployment(dir, record())).toBe(false);
  });

  it('refuses a report JSON with a malformed deployments list in one line naming the file', async () => {
    const dir = reportDir();
    writeFileSync(join(dir, 'model_comparison.json'), JSON.stringify({ deployments: [{ pipelineId: 3 }] }));
    await expect(recordDeployment(dir, record())).rejects.toThrow(/model_comparison\.json: deployments\.0\./);
    expect(read(dir, 'model_comparison.md')).not.toContain('Deployment');
  });
});
