import { randomBytes } from 'node:crypto';
import { ConfigError } from '../util';
import { isValidFileName, MODEL_JSON, MODEL_ONNX, TMP, versionKey } from './layout';
import { copyDurably } from './register';
import type { Tx } from './tx';
import { assertVersion } from './version';

const IMMUTABLE_STAGES = new Set(['production', 'archived']);

/**
 * Add files (comparison report …) to a version. Same name and content again is a no-op, so a
 * retried activity is harmless; new content replaces the file unless the model has been in
 * production, whose files are frozen. The copy is moved into place only after the commit.
 */
export async function attachFiles(tx: Tx, version: string, files: Record<string, string>): Promise<void> {
  assertVersion(version);
  const record = tx.state.versions[version];
  if (!record) throw new ConfigError(`unknown model version ${version}`, { version });
  for (const [name, source] of Object.entries(files)) {
    if (!isValidFileName(name) || name === MODEL_JSON || name === MODEL_ONNX) {
      throw new ConfigError(`invalid attachment name ${JSON.stringify(name)}`);
    }
    // Copy first, compare after: the copy is what would be committed (the source may change).
    const staged = `${TMP}/attach-${randomBytes(6).toString('hex')}`;
    const copied = await copyDurably(tx.layout, source, staged);
    const known = record.files[name];
    if (known && known.sha256 === copied.sha256) {
      // The same file again (a retried activity): nothing to commit, and no staged copy left behind.
      await tx.layout.store.delete(staged);
      continue;
    }
    if (known && IMMUTABLE_STAGES.has(record.stage)) {
      await tx.layout.store.delete(staged);
      throw new ConfigError(`${version} is ${record.stage}: its file ${name} cannot be replaced`, { version });
    }
    record.files[name] = copied;
    tx.actions.push({ kind: 'rename', from: staged, to: versionKey(version, name) });
  }
  if (tx.actions.length > 0) tx.actions.push({ kind: 'metadata', version });
}
