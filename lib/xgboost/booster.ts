import koffi from 'koffi';
import { readFile, writeFile } from 'node:fs/promises';
import { DMatrix } from './dmatrix';
import { callAsync, check, loadXGBoost } from './library';
import type { Matrix } from './types';

const finalizer = new FinalizationRegistry<unknown>((handle) => {
  loadXGBoost().XGBoosterFree(handle);
});

/** A native XGBoost booster; `dispose()` frees it deterministically. */
export class Booster {
  private handle: unknown;
  featureNames: string[];

  private constructor(handle: unknown, featureNames: string[]) {
    this.handle = handle;
    this.featureNames = featureNames;
    finalizer.register(this, handle, this);
  }

  static create(cache: DMatrix[], params: Record<string, string | number>, featureNames: string[]): Booster {
    const api = loadXGBoost();
    const out: unknown[] = [null];
    check(
      api.XGBoosterCreate(
        cache.map((d) => d.native),
        cache.length,
        out,
      ),
      'booster creation',
    );
    const booster = new Booster(out[0], featureNames);
    try {
      for (const [k, v] of Object.entries(params)) booster.setParam(k, v);
      booster.setFeatureNames(featureNames);
    } catch (err) {
      booster.dispose();
      throw err;
    }
    return booster;
  }

  /**
   * Training continuation: a booster over `cache` holding a saved model's rounds, with the
   * training parameters set after the load (as Python's `xgb.train(xgb_model=…)` does), so the
   * next `updateOneIter` adds trees on top of the loaded ones.
   */
  static continueFrom(o: {
    cache: DMatrix[];
    model: Uint8Array;
    params: Record<string, string | number>;
    featureNames: string[];
  }): Booster {
    const api = loadXGBoost();
    const out: unknown[] = [null];
    check(
      api.XGBoosterCreate(
        o.cache.map((d) => d.native),
        o.cache.length,
        out,
      ),
      'booster creation',
    );
    const booster = new Booster(out[0], o.featureNames);
    try {
      check(api.XGBoosterLoadModelFromBuffer(booster.native, o.model, o.model.length), 'loading the model to continue from');
      for (const [k, v] of Object.entries(o.params)) booster.setParam(k, v);
      booster.setFeatureNames(o.featureNames);
    } catch (err) {
      booster.dispose();
      throw err;
    }
    return booster;
  }

  /** Load a model saved as JSON or UBJSON (bytes or a file path). */
  static async load(source: string | Uint8Array, featureNames: string[] = []): Promise<Booster> {
    const bytes = typeof source === 'string' ? await readFile(source) : source;
    const booster = Booster.create([], {}, featureNames);
    try {
      check(loadXGBoost().XGBoosterLoadModelFromBuffer(booster.native, bytes, bytes.length), 'model load');
      if (featureNames.length === 0) booster.featureNames = readFeatureNames(bytes);
    } catch (err) {
      booster.dispose();
      throw err;
    }
    return booster;
  }

  get native(): unknown {
    if (this.handle === null) throw new Error('Booster used after dispose()');
    return this.handle;
  }

  /** Stored in the saved model (learner.feature_names), like Python's `booster.feature_names = …`. */
  setFeatureNames(names: string[]): void {
    if (names.length === 0) return;
    check(loadXGBoost().XGBoosterSetStrFeatureInfo(this.native, 'feature_name', names, names.length), 'setting feature names');
    this.featureNames = names;
  }

  setParam(name: string, value: string | number): void {
    check(loadXGBoost().XGBoosterSetParam(this.native, name, String(value)), `setting ${name}=${value}`);
  }

  /** One boosting round, off the event loop. */
  updateOneIter(iteration: number, train: DMatrix): Promise<void> {
    const api = loadXGBoost();
    // libxgboost 1.x configures the learner lazily in the first round and fails (rc -1, no message)
    // when that happens off the thread that created it; 2.x+ does not care. One sync round is short.
    if (iteration === 0 && api.version[0] < 2) {
      check(api.XGBoosterUpdateOneIter(this.native, iteration, train.native), `boosting round ${iteration}`);
      return Promise.resolve();
    }
    return callAsync(api.XGBoosterUpdateOneIter, `boosting round ${iteration}`, this.native, iteration, train.native);
  }

  /** XGBoost's evaluation string for the round, parsed: `{ "valid-logloss": 0.61, … }`. Off the event loop. */
  async evalOneIter(iteration: number, sets: { name: string; data: DMatrix }[]): Promise<Record<string, number>> {
    const out: (string | null)[] = [null];
    const handles = sets.map((s) => s.data.native);
    const names = sets.map((s) => s.name);
    await callAsync(loadXGBoost().XGBoosterEvalOneIter, 'evaluation', this.native, iteration, handles, names, sets.length, out);
    const result: Record<string, number> = {};
    for (const part of (out[0] ?? '').split('\t').slice(1)) {
      const [key, value] = part.split(':');
      if (key && value !== undefined) result[key] = Number(value);
    }
    return result;
  }

  boostedRounds(): number {
    const out = [0];
    check(loadXGBoost().XGBoosterBoostedRounds(this.native, out), 'boosted rounds');
    return out[0]!;
  }

  /** A new booster with rounds [begin, end) only (used to keep the early-stopping best). */
  slice(begin: number, end: number): Booster {
    const out: unknown[] = [null];
    check(loadXGBoost().XGBoosterSlice(this.native, begin, end, 1, out), 'slicing');
    const sliced = new Booster(out[0], this.featureNames);
    sliced.setFeatureNames(this.featureNames);
    return sliced;
  }

  /** Probabilities of class 1. */
  async predict(X: Matrix, options: { iterationRange?: [number, number] } = {}): Promise<Float32Array> {
    const dmat = DMatrix.fromMatrix(X);
    try {
      return await this.predictDMatrix(dmat, options);
    } finally {
      dmat.dispose();
    }
  }

  async predictDMatrix(dmat: DMatrix, options: { iterationRange?: [number, number] } = {}): Promise<Float32Array> {
    const api = loadXGBoost();
    const [begin, end] = options.iterationRange ?? [0, 0];
    const config = JSON.stringify({ type: 0, training: false, iteration_begin: begin, iteration_end: end, strict_shape: false });
    const shape: unknown[] = [null];
    const dim: number[] = [0];
    const result: unknown[] = [null];
    await callAsync(api.XGBoosterPredictFromDMatrix, 'predict', this.native, dmat.native, config, shape, dim, result);
    const n = dmat.rows;
    // The result buffer belongs to the booster and is overwritten by its next call: copy it now.
    return new Float32Array(koffi.view(result[0], n * 4).slice(0));
  }

  private save(format: 'json' | 'ubj'): Uint8Array {
    const len: (number | bigint)[] = [0];
    const out: unknown[] = [null];
    check(loadXGBoost().XGBoosterSaveModelToBuffer(this.native, JSON.stringify({ format }), len, out), 'model save');
    return new Uint8Array(koffi.view(out[0], Number(len[0])).slice(0));
  }

  toJson(): string {
    return Buffer.from(this.save('json')).toString('utf8');
  }

  toUbj(): Uint8Array {
    return this.save('ubj');
  }

  async saveTo(path: string, format: 'json' | 'ubj' = 'json'): Promise<void> {
    await writeFile(path, format === 'json' ? this.toJson() : this.toUbj());
  }

  dispose(): void {
    if (this.handle === null) return;
    finalizer.unregister(this);
    loadXGBoost().XGBoosterFree(this.handle);
    this.handle = null;
  }
}

function readFeatureNames(bytes: Uint8Array): string[] {
  if (bytes[0] !== 0x7b) return []; // UBJSON: names are not needed for scoring
  try {
    return (JSON.parse(Buffer.from(bytes).toString('utf8')) as { learner?: { feature_names?: string[] } }).learner?.feature_names ?? [];
  } catch {
    return [];
  }
}
