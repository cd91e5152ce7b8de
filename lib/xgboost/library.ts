import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';
import { ConfigError, ModelError } from '../util/errors';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The C API functions trainctl uses; all exist in libxgboost 1.7 and 3.x. */
/** A bound C function: koffi types calls as `any`; these return an int status code unless stated. */
export type NativeFunction<R = number> = ((...args: unknown[]) => R) & { async: (...args: unknown[]) => void };

function declare(lib: ReturnType<typeof koffi.load>) {
  const func = <R = number>(signature: string) => lib.func(signature) as unknown as NativeFunction<R>;
  return {
    XGBGetLastError: func<string>('const char* XGBGetLastError()'),
    XGBoostVersion: func<void>('void XGBoostVersion(_Out_ int* major, _Out_ int* minor, _Out_ int* patch)'),
    XGDMatrixCreateFromMat: func(
      'int XGDMatrixCreateFromMat(const float* data, uint64_t nrow, uint64_t ncol, float missing, _Out_ void** out)',
    ),
    XGDMatrixSetFloatInfo: func('int XGDMatrixSetFloatInfo(void* handle, const char* field, const float* array, uint64_t len)'),
    XGDMatrixSetStrFeatureInfo: func(
      'int XGDMatrixSetStrFeatureInfo(void* handle, const char* field, const char** features, uint64_t size)',
    ),
    XGDMatrixFree: func('int XGDMatrixFree(void* handle)'),
    XGBoosterCreate: func('int XGBoosterCreate(void** dmats, uint64_t len, _Out_ void** out)'),
    XGBoosterFree: func('int XGBoosterFree(void* handle)'),
    XGBoosterSetParam: func('int XGBoosterSetParam(void* handle, const char* name, const char* value)'),
    XGBoosterUpdateOneIter: func('int XGBoosterUpdateOneIter(void* handle, int iter, void* dtrain)'),
    XGBoosterEvalOneIter: func(
      'int XGBoosterEvalOneIter(void* handle, int iter, void** dmats, const char** names, uint64_t len, _Out_ const char** out)',
    ),
    XGBoosterPredictFromDMatrix: func(
      'int XGBoosterPredictFromDMatrix(void* handle, void* dmat, const char* config, _Out_ uint64_t** shape, _Out_ uint64_t* dim, _Out_ float** result)',
    ),
    XGBoosterSaveModelToBuffer: func(
      'int XGBoosterSaveModelToBuffer(void* handle, const char* config, _Out_ uint64_t* len, _Out_ void** out)',
    ),
    XGBoosterLoadModelFromBuffer: func('int XGBoosterLoadModelFromBuffer(void* handle, const void* buf, uint64_t len)'),
    XGBoosterBoostedRounds: func('int XGBoosterBoostedRounds(void* handle, _Out_ int* out)'),
    XGBoosterSetStrFeatureInfo: func(
      'int XGBoosterSetStrFeatureInfo(void* handle, const char* field, const char** features, uint64_t size)',
    ),
    XGBoosterSlice: func('int XGBoosterSlice(void* handle, int begin, int end, int step, _Out_ void** out)'),
  };
}

export type XGBoostApi = ReturnType<typeof declare> & { path: string; version: [number, number, number] };

let cached: XGBoostApi | undefined;

/** Where libxgboost may be, in order: XGBOOST_LIBRARY_PATH, the project's .venv wheel, the system. */
export function libraryCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  if (env.XGBOOST_LIBRARY_PATH) out.push(env.XGBOOST_LIBRARY_PATH);
  const venvLib = join(projectRoot, '.venv', 'lib');
  if (existsSync(venvLib)) {
    for (const py of readdirSync(venvLib)) out.push(join(venvLib, py, 'site-packages/xgboost/lib/libxgboost.so'));
  }
  out.push('/usr/lib/x86_64-linux-gnu/libxgboost.so.0', '/usr/lib/x86_64-linux-gnu/libxgboost.so', 'libxgboost.so', 'libxgboost.so.0');
  return out;
}

export function loadXGBoost(): XGBoostApi {
  if (cached) return cached;
  // Native calls run on libuv's pool threads (to keep the event loop free), so OpenMP teams are
  // created per calling thread; spinning idle teams would steal the other core on a 2-core machine.
  // Must be set before libgomp initializes, i.e. before the library is loaded.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  const tried: string[] = [];
  for (const path of libraryCandidates()) {
    if (path.includes('/') && !existsSync(path)) {
      tried.push(`${path} (missing)`);
      continue;
    }
    try {
      const api = declare(koffi.load(path));
      const v: [number[], number[], number[]] = [[0], [0], [0]];
      api.XGBoostVersion(v[0], v[1], v[2]);
      cached = { ...api, path, version: [v[0][0]!, v[1][0]!, v[2][0]!] };
      return cached;
    } catch (err) {
      tried.push(`${path} (${(err as Error).message.split('\n')[0]})`);
    }
  }
  throw new ConfigError(
    `libxgboost could not be loaded. Tried: ${tried.join('; ')}. ` +
      'Run `npm start` or `npm test` once (they install the pinned xgboost-cpu wheel into .venv), ' +
      'or `apt-get install libxgboost0`, or set XGBOOST_LIBRARY_PATH to a libxgboost.so.',
  );
}

export function xgboostVersion(): string {
  return loadXGBoost().version.join('.');
}

/** Turn XGBoost's non-zero return codes into errors carrying its own message. */
export function check(rc: number, what: string): void {
  if (rc !== 0) {
    const api = loadXGBoost();
    throw new ModelError(`XGBoost ${what} failed: ${api.XGBGetLastError()}`);
  }
}

/** Run a native call on libuv's pool so the event loop (Temporal polling, heartbeats) stays free. */
export function callAsync(fn: { async: (...args: unknown[]) => void }, what: string, ...args: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, rc: number) => {
      if (err)
        return reject(err instanceof Error ? err : new Error(`native call failed: ${typeof err === 'string' ? err : 'unknown error'}`));
      try {
        check(rc, what);
        resolve();
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
