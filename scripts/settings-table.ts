// Prints the README's settings table from lib/config/schema.ts: `npx tsx scripts/settings-table.ts` (test/lib/config checks the README against it).
import { scalarText, SETTINGS } from '../lib/config/schema';
const fmt = (v: unknown) => (v === undefined ? '—' : Array.isArray(v) ? v.join(',') : scalarText(v));
console.log('| flag | setting (config file key) | default | meaning |\n|---|---|---|---|');
for (const s of SETTINGS)
  console.log(
    `| \`--${s.flag}${s.arg ? ' ' + s.arg.replace(/[<>]/g, '') : ''}\` | \`${s.key}\` | ${fmt(s.default)} | ${s.help.replace(/\|/g, '\\|')}${s.choices ? ` (${s.choices.join(', ')})` : ''} |`,
  );
