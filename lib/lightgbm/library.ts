import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';
import { ConfigError, ModelError } from '../util/errors';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The C API functions trainctl uses (LightGBM 4.x, include/LightGBM/c_api.h). */
/** A bound C function: koffi types calls as `any`; these return an int status code unless stated. */
export type NativeFunction<R = number> = ((...args: unknown[]) => R) & { async: (...args: unknown[]) => void };

function declare(lib: ReturnType<typeof koffi.load>) {
  const func = <R = number>(signature: string) => lib.func(signature) as unknown as NativeFunction<R>;
  return {
    LGBM_GetLastError: func<string>('const char* LGBM_GetLastError()'),
    LGBM_DatasetCreateFromMat: func(
      'int LGBM_DatasetCreateFromMat(const void* data, int data_type, int32_t nrow, int32_t ncol, int is_row_major, const char* parameters, void* reference, _Out_ void** out)',
    ),
    LGBM_DatasetSetField: func(
      'int LGBM_DatasetSetField(void* handle, const char* field_name, const void* field_data, int num_element, int type)',
    ),
    LGBM_DatasetSetFeatureNames: func('int LGBM_DatasetSetFeatureNames(void* handle, const char** feature_names, int num_feature_names)'),
    LGBM_DatasetFree: func('int LGBM_DatasetFree(void* handle)'),
    LGBM_BoosterCreate: func('int LGBM_BoosterCreate(void* train_data, const char* parameters, _Out_ void** out)'),
    LGBM_BoosterMerge: func('int LGBM_BoosterMerge(void* handle, void* other_handle)'),
    LGBM_BoosterAddValidData: func('int LGBM_BoosterAddValidData(void* handle, void* valid_data)'),
    LGBM_BoosterUpdateOneIter: func('int LGBM_BoosterUpdateOneIter(void* handle, _Out_ int* is_finished)'),
    LGBM_BoosterGetEvalCounts: func('int LGBM_BoosterGetEvalCounts(void* handle, _Out_ int* out_len)'),
    LGBM_BoosterGetEval: func('int LGBM_BoosterGetEval(void* handle, int data_idx, _Out_ int* out_len, double* out_results)'),
    LGBM_BoosterGetCurrentIteration: func('int LGBM_BoosterGetCurrentIteration(void* handle, _Out_ int* out_iteration)'),
    LGBM_BoosterGetNumFeature: func('int LGBM_BoosterGetNumFeature(void* handle, _Out_ int* out_len)'),
    LGBM_BoosterGetNumClasses: func('int LGBM_BoosterGetNumClasses(void* handle, _Out_ int* out_len)'),
    LGBM_BoosterPredictForMat: func(
      'int LGBM_BoosterPredictForMat(void* handle, const void* data, int data_type, int32_t nrow, int32_t ncol, int is_row_major, int predict_type, int start_iteration, int num_iteration, const char* parameter, _Out_ int64_t* out_len, double* out_result)',
    ),
    LGBM_BoosterSaveModelToString: func(
      'int LGBM_BoosterSaveModelToString(void* handle, int start_iteration, int num_iteration, int feature_importance_type, int64_t buffer_len, _Out_ int64_t* out_len, void* out_str)',
    ),
    LGBM_BoosterDumpModel: func(
      'int LGBM_BoosterDumpModel(void* handle, int start_iteration, int num_iteration, int feature_importance_type, int64_t buffer_len, _Out_ int64_t* out_len, void* out_str)',
    ),
    LGBM_BoosterLoadModelFromString: func(
      'int LGBM_BoosterLoadModelFromString(const char* model_str, _Out_ int* out_num_iterations, _Out_ void** out)',
    ),
    LGBM_BoosterFeatureImportance: func(
      'int LGBM_BoosterFeatureImportance(void* handle, int num_iteration, int importance_type, double* out_results)',
    ),
    LGBM_BoosterFree: func('int LGBM_BoosterFree(void* handle)'),
  };
}

/** C API constants (c_api.h). */
export const C_API = {
  DTYPE_FLOAT32: 0,
  DTYPE_FLOAT64: 1,
  PREDICT_NORMAL: 0,
  PREDICT_RAW_SCORE: 1,
  IMPORTANCE_SPLIT: 0,
  IMPORTANCE_GAIN: 1,
} as const;

export type LightGBMApi = ReturnType<typeof declare> & { path: string; version: string };

let cached: LightGBMApi | undefined;

/** Where lib_lightgbm may be, in order: LIGHTGBM_LIBRARY_PATH, the project's .venv wheel, the system. */
export function lightgbmLibraryCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.LIGHTGBM_LIBRARY_PATH) return [env.LIGHTGBM_LIBRARY_PATH];
  const out: string[] = [];
  const venvLib = join(projectRoot, '.venv', 'lib');
  if (existsSync(venvLib)) {
    for (const py of readdirSync(venvLib)) out.push(join(venvLib, py, 'site-packages/lightgbm/lib/lib_lightgbm.so'));
  }
  out.push('/usr/lib/x86_64-linux-gnu/lib_lightgbm.so', '/usr/local/lib/lib_lightgbm.so', 'lib_lightgbm.so');
  return out;
}

export function loadLightGBM(): LightGBMApi {
  if (cached) return cached;
  // Same reason as for libxgboost: calls run on libuv's pool threads; idle OpenMP teams must not spin.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  const tried: string[] = [];
  for (const path of lightgbmLibraryCandidates()) {
    if (path.includes('/') && !existsSync(path)) {
      tried.push(`${path} (missing)`);
      continue;
    }
    try {
      cached = { ...declare(koffi.load(path)), path, version: readVersion(path) };
      return cached;
    } catch (err) {
      tried.push(`${path} (${(err as Error).message.split('\n')[0]})`);
    }
  }
  throw new ConfigError(
    `lib_lightgbm could not be loaded. Tried: ${tried.join('; ')}. ` +
      'Run `npm start` or `npm test` once (they install the pinned lightgbm wheel into .venv), ' +
      'or set LIGHTGBM_LIBRARY_PATH to a lib_lightgbm.so.',
  );
}

/**
 * The C API has no version call; the wheel ships VERSION.txt next to lib/. A library from
 * elsewhere reports "unknown" rather than a guess.
 */
function readVersion(libPath: string): string {
  const file = join(dirname(libPath), '..', 'VERSION.txt');
  try {
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function lightgbmVersion(): string {
  return loadLightGBM().version;
}

/** Turn LightGBM's non-zero return codes into errors carrying its own message. */
export function check(rc: number, what: string): void {
  if (rc !== 0) throw new ModelError(`LightGBM ${what} failed: ${loadLightGBM().LGBM_GetLastError()}`);
}

/**
 * Run a native call on libuv's pool so the event loop (Temporal polling, heartbeats) stays free.
 * LightGBM keeps its last error per thread, so on failure the message is read on the pool too
 * (the same thread when UV_THREADPOOL_SIZE=1, as the worker and the benchmarks run).
 */
export function callAsync(fn: { async: (...args: unknown[]) => void }, what: string, ...args: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, rc: number) => {
      if (err)
        return reject(err instanceof Error ? err : new Error(`native call failed: ${typeof err === 'string' ? err : 'unknown error'}`));
      if (rc === 0) return resolve();
      const api = loadLightGBM();
      (api.LGBM_GetLastError as unknown as { async: (cb: (e: unknown, msg: string) => void) => void }).async((_e, msg) => {
        reject(new ModelError(`LightGBM ${what} failed: ${msg || 'no message (error raised on another thread)'}`));
      });
    });
  });
}
