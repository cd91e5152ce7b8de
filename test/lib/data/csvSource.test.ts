import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvSource } from '../../../lib/data/csvSource';
import { DataError } from '../../../lib/util/errors';

const HEADER = 'Date,Open,High,Low,Close,Adj Close,Volume';
const dir = mkdtempSync(join(tmpdir(), 'csv-source-'));
const write = (ticker: string, lines: string[]): void => writeFileSync(join(dir, `${ticker}.csv`), `${lines.join('\n')}\n`);

write('GOOD', [
  HEADER,
  '2024-01-03,10.5,11,10,10.8,10.6,1200',
  '2024-01-02,10,10.6,9.8,10.4,10.2,1000',
  '2024-01-04,null,null,null,null,null,null',
  '2024-01-05,10.8,11.2,10.7,11,10.8,900',
]);
write('NOCOL', ['Date,Open,High,Low,Close,Volume', '2024-01-02,1,1,1,1,1']);
write('BADDATE', [HEADER, '2024-01-02,1,1,1,1,1,1', '2024-02-30,1,1,1,1,1,1']);
write('TEXT', [HEADER, '2024-01-02,1,1,1,1,1,1', '2024-01-03,1,1,1,1,1,1', '2024-01-04,1,abc,1,1,1,1']);
write('RAGGED', [HEADER, '2024-01-02,1,1,1,1,1,1', '2024-01-03,1,1,1,1,1']);

async function fetchOne(ticker: string) {
  const [r] = await createCsvSource(dir).fetch({ tickers: [ticker] });
  return r!;
}

async function expectError(ticker: string, line: number, pattern: RegExp): Promise<void> {
  const r = await fetchOne(ticker);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error).toBeInstanceOf(DataError);
  expect(r.error.message).toContain(ticker);
  expect(r.error.message).toContain(join(dir, `${ticker}.csv`));
  expect(r.error.message).toContain(`line ${line}`);
  expect(r.error.message).toMatch(pattern);
  expect((r.error as DataError).details).toMatchObject({ ticker, line });
}

describe('csv:DIR source', () => {
  it('reads a Yahoo export, sorts by date and skips Yahoo null rows', async () => {
    const r = await fetchOne('GOOD');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.series.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-05']);
    expect([...r.series.adjClose]).toEqual([10.2, 10.6, 10.8]);
    expect([...r.series.volume]).toEqual([1000, 1200, 900]);
  });
  it('filters by the requested range', async () => {
    const [r] = await createCsvSource(dir).fetch({ tickers: ['GOOD'], start: '2024-01-03', end: '2024-01-04' });
    expect(r!.ok && r!.series.dates).toEqual(['2024-01-03']);
  });
  it('names ticker, file and line for a missing column', () => expectError('NOCOL', 1, /missing column.*Adj Close/));
  it('names ticker, file and line for a bad date', () => expectError('BADDATE', 3, /bad date "2024-02-30"/));
  it('names ticker, file and line for text in a number', () => expectError('TEXT', 4, /High is "abc"/));
  it('names ticker, file and line for a short row', () => expectError('RAGGED', 3, /6 fields/));
  it('reports a missing file as an unknown ticker', async () => {
    const r = await fetchOne('ZZZZ');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/unknown ticker ZZZZ/);
  });
});
