import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { parseJsonText } from '../util/jsonFile';
import { ModelError } from '../util/errors';

/** One deploy of a version (its promotion, or a rollback to it), as the deploy step saw it. */
export const DeploymentRecordSchema = z.object({
  pipelineId: z.string(),
  decidedAt: z.string(),
  finishedAt: z.string(),
  /** serving: every instance answers with the version; not_switched: the deploy timed out; skipped: no instances configured. */
  outcome: z.enum(['serving', 'not_switched', 'skipped']),
  approvalToServingMs: z.number().nullable(),
  instances: z.array(z.object({ url: z.string(), switchedAt: z.string().nullable(), problem: z.string().nullable() })),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecordSchema>;

const ReportJsonSchema = z.looseObject({ deployments: z.array(DeploymentRecordSchema).optional() });

const START = '<!-- deployment:start -->';
const END = '<!-- deployment:end -->';

/**
 * Add (or replace, for the same pipeline ID: a retried deploy step writes once) a deploy of the
 * version to its comparison report in `dir`: the JSON keeps every deploy under `deployments`, and the
 * Markdown and HTML get a "Deployment" section rebuilt from that list. Returns false when the version
 * has no report (removed by retention, or a version from before reports). JSON is written last, so
 * a crash in between leaves a report that the retried step rewrites whole.
 */
export async function recordDeployment(dir: string, record: DeploymentRecord): Promise<boolean> {
  const files = {
    md: join(dir, 'model_comparison.md'),
    html: join(dir, 'model_comparison.html'),
    json: join(dir, 'model_comparison.json'),
  };
  if (!existsSync(files.json)) return false;
  const json = parseJsonText({ text: await readFile(files.json, 'utf8'), file: files.json, schema: ReportJsonSchema, error: ModelError });
  const deployments = [...(json.deployments ?? []).filter((d) => d.pipelineId !== record.pipelineId), record];
  const lines = deploymentMarkdown(deployments);
  if (existsSync(files.md)) {
    const md = stripSection(await readFile(files.md, 'utf8'));
    await writeFileAtomic(files.md, `${md.trimEnd()}\n\n${START}\n${lines.join('\n')}\n${END}\n`);
  }
  if (existsSync(files.html)) {
    const html = stripSection(await readFile(files.html, 'utf8'));
    const at = html.lastIndexOf('</body>');
    const section = `${START}\n${deploymentHtml(deployments)}\n${END}\n`;
    await writeFileAtomic(files.html, at < 0 ? `${html}${section}` : `${html.slice(0, at)}${section}${html.slice(at)}`);
  }
  await writeJsonAtomic(files.json, { ...json, deployments });
  return true;
}

function stripSection(text: string): string {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return text;
  return text.slice(0, a) + text.slice(b + END.length).replace(/^\n/, '');
}

function seconds(ms: number | null): string {
  return ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`;
}

function outcomeText(d: DeploymentRecord): string {
  if (d.outcome === 'skipped') return 'no serving instances configured';
  if (d.outcome === 'serving') return `all ${d.instances.length} instance(s) serve it`;
  const missing = d.instances.filter((i) => !i.switchedAt);
  return `did not finish: ${missing.length} of ${d.instances.length} instance(s) did not switch; production was rolled back`;
}

export function deploymentMarkdown(deployments: DeploymentRecord[]): string[] {
  const out = ['## Deployment\n', '| run | decided | all instances serving | approval → serving | outcome |', '|---|---|---|---|---|'];
  for (const d of deployments)
    out.push(
      `| \`${d.pipelineId}\` | ${d.decidedAt} | ${d.outcome === 'serving' ? d.finishedAt : '—'} | ${seconds(d.approvalToServingMs)} | ${outcomeText(d)} |`,
    );
  const last = deployments.at(-1);
  if (last && last.instances.length > 0) {
    out.push('', `Instances of the latest deploy (\`${last.pipelineId}\`):`, '');
    for (const i of last.instances)
      out.push(`- ${i.url}: ${i.switchedAt ? `serving since ${i.switchedAt}` : `not switched (${i.problem ?? 'unknown'})`}`);
  }
  return out;
}

function deploymentHtml(deployments: DeploymentRecord[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = deployments
    .map(
      (d) =>
        `<tr><td><code>${esc(d.pipelineId)}</code></td><td>${esc(d.decidedAt)}</td><td>${d.outcome === 'serving' ? esc(d.finishedAt) : '—'}</td><td>${seconds(d.approvalToServingMs)}</td><td class="${d.outcome === 'not_switched' ? 'fail' : d.outcome === 'serving' ? 'pass' : ''}">${esc(outcomeText(d))}</td></tr>`,
    )
    .join('\n');
  const last = deployments.at(-1);
  const instances =
    last && last.instances.length > 0
      ? `<ul>${last.instances.map((i) => `<li>${esc(i.url)}: ${i.switchedAt ? `serving since ${esc(i.switchedAt)}` : `not switched (${esc(i.problem ?? 'unknown')})`}</li>`).join('')}</ul>`
      : '';
  return `<h2>Deployment</h2>
<table><tr><th>run</th><th>decided</th><th>all instances serving</th><th>approval → serving</th><th>outcome</th></tr>
${rows}
</table>${instances}`;
}
