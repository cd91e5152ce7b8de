import { MedianPruner } from './pruners/percentile';
import type { Pruner } from './pruners/pruner';
import type { Sampler } from './samplers/sampler';
import { TPESampler } from './samplers/tpe';
import { Study, type Direction, type StudyState } from './study';

export interface CreateStudyOptions {
  /** 'minimize' (default) or 'maximize'. */
  direction?: Direction;
  /** Optuna's plural form; only one objective is supported, so it must hold exactly one direction. */
  directions?: Direction[];
  /** Default: `new TPESampler()` (seed 0 — Optuna draws a random seed; a workflow needs a fixed one). */
  sampler?: Sampler;
  /** Default: `new MedianPruner()`, as Optuna. */
  pruner?: Pruner;
  studyName?: string;
  /** Resume a study from `study.toJSON()` (e.g. across Temporal's continue-as-new). */
  state?: StudyState;
}

/** Optuna's `create_study`: the same options and defaults (single objective). */
export function createStudy(options: CreateStudyOptions = {}): Study {
  if (options.direction !== undefined && options.directions !== undefined) throw new Error('give either direction or directions, not both');
  const directions = options.directions ?? [options.direction ?? options.state?.direction ?? 'minimize'];
  if (directions.length !== 1) {
    throw new Error(
      `multi-objective studies are not supported: directions has ${directions.length} entries; optimise one objective (or a weighted sum)`,
    );
  }
  return new Study(
    directions[0]!,
    options.sampler ?? new TPESampler(),
    options.pruner ?? new MedianPruner(),
    options.state,
    options.studyName,
  );
}
