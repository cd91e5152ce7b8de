import { join } from 'node:path';
import { modelLinePaths } from '../lib/config/paths';
import type { FileRef } from '../lib/pipeline/types';
import { comparisonReportInput, writeComparisonReport, type ReportPaths } from '../lib/report';
import type { ActivityDeps } from './deps';
import { registryFor } from './registry';
import { publish } from './storeFiles';

/** The version a dry run's candidate is reported under: it never gets a registry version. */
export const DRY_RUN_VERSION = 'dry-run';

export type ComparisonReportContent = Omit<Parameters<typeof comparisonReportInput>[0], 'dir'>;

export interface ComparisonReportFiles {
  paths: ReportPaths;
  refs: { markdown: FileRef; html: FileRef; json: FileRef };
}

/**
 * Write model_comparison.{md,html,json} under reports/<model>/<version>/ (a dry run's under
 * reports/<model>/dry-run/<pipelineId>/), publish them to the store and, for a registered
 * version, attach them to the version's folder in the registry.
 */
export async function writeComparisonFiles(
  deps: ActivityDeps,
  o: { modelName: string; content: ComparisonReportContent; dryRun: boolean },
): Promise<ComparisonReportFiles> {
  const { content } = o;
  const { modelName } = o;
  const reportsDir = modelLinePaths(deps.paths, modelName).reportsDir;
  const paths = await writeComparisonReport(
    comparisonReportInput({
      ...content,
      dir: o.dryRun ? join(reportsDir, DRY_RUN_VERSION, content.pipelineId) : join(reportsDir, content.version),
    }),
  );
  // Published like every other stage's files, so any worker or person can open them from the store.
  const refs = {
    markdown: await publish(deps, paths.markdown),
    html: await publish(deps, paths.html),
    json: await publish(deps, paths.json),
  };
  if (!o.dryRun)
    await (
      await registryFor(deps, modelName)
    ).attachFiles(content.version, {
      'model_comparison.md': paths.markdown,
      'model_comparison.html': paths.html,
      'model_comparison.json': paths.json,
    });
  return { paths, refs };
}
