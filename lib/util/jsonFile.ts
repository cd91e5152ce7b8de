import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ConfigError, type TrainctlError } from './errors';
import { describeJsonSyntaxError } from './jsonSyntax';

type ErrorClass = new (message: string, details?: Record<string, unknown>) => TrainctlError;

/**
 * JSON text → a value checked against its schema. A malformed file is one line naming the file
 * and the first fields at fault (`registry.json: versions.v1.0.0.stage: expected one of …`), as
 * the given error class (ConfigError for files a person edits, DataError/ModelError otherwise).
 */
export function parseJsonText<S extends z.ZodType>(o: { text: string; file: string; schema: S; error?: ErrorClass }): z.output<S> {
  const ErrorType = o.error ?? ConfigError;
  let data: unknown;
  try {
    data = JSON.parse(o.text);
  } catch {
    throw new ErrorType(`${o.file}: not valid JSON (${describeJsonSyntaxError(o.text)})`, { file: o.file });
  }
  const result = o.schema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(top level)'}: ${i.message}`);
  const more = result.error.issues.length > 3 ? ` (+${result.error.issues.length - 3} more)` : '';
  throw new ErrorType(`${o.file}: ${problems.join('; ')}${more}`, { file: o.file });
}

export async function readJsonFile<S extends z.ZodType>(o: { path: string; schema: S; error?: ErrorClass }): Promise<z.output<S>> {
  return parseJsonText({ text: await readFile(o.path, 'utf8'), file: o.path, schema: o.schema, error: o.error });
}
