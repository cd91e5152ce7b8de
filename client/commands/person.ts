import { ConfigError } from '../../lib/util/errors';
import { quote } from '../../lib/util/quote';

/**
 * Who decides (approve, reject, rollback): audited, so it must name someone, on one line, in
 * printable characters. Checked before connecting (exit 3).
 */
export function checkPerson(flag: string, name: string): string {
  if (!name.trim()) throw new ConfigError(`${flag} NAME must not be empty: every decision is audited with who made it`);
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name))
    throw new ConfigError(`${flag} ${quote(name, 60)} contains control characters: give a plain name`);
  if (name.length > 100) throw new ConfigError(`${flag} ${quote(name, 40)} is longer than 100 characters`);
  return name;
}
