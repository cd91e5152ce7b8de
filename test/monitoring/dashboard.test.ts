import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildDashboardPage } from '../../client/commands/dashboard';
import { generateSyntheticMarket } from '../../lib/data';
import { appendDriftHistory, buildReferenceProfile, checkDrift } from '../../lib/drift';
import { FEATURE_NAMES } from '../../lib/features/definitions';
import { tickerFeatureColumns } from '../../lib/features/featureFrame';
import { appendMonitorHistory, judgeDrop, monitorLocations, monitorSnapshot, type Outcome } from '../../lib/monitoring';
import { modelLinePaths } from '../../lib/config/paths';
import { openModelLine } from '../../lib/registry';
import { tempPaths } from '../support/temporal';

const MODEL = 'dash';
/** Screenshots land here (ignored by git), for people and CI to look at. */
const ARTIFACTS = resolve('test-results');

/** A model line with two production versions, 30 monitoring passes and 30 drift checks, all computed from the synthetic market. */
async function populate() {
  const paths = tempPaths();
  let clock = new Date('2025-12-20T12:00:00Z');
  const registry = await openModelLine({ modelsDir: paths.modelsDir, modelName: MODEL, legacyModelName: MODEL, clock: () => clock });
  const promotedAt = { r1: '2026-01-05T12:00:00Z', r2: '2026-04-06T12:00:00Z', r3: '2026-10-01T12:00:00Z' };
  const art = mkdtempSync(join(tmpdir(), 'artifacts-'));
  const versions: string[] = [];
  for (const [runId, accuracy] of [
    ['r1', 0.61],
    ['r2', 0.63],
    ['r3', 0.58],
  ] as const) {
    writeFileSync(join(art, `${runId}.json`), runId);
    writeFileSync(join(art, `${runId}.onnx`), runId);
    const r = await registry.registerCandidate({
      runId,
      artifacts: { modelJson: join(art, `${runId}.json`), onnx: join(art, `${runId}.onnx`) },
      metadata: {
        modelType: 'xgb',
        params: {},
        featureSchema: [],
        dataSource: { source: 'synthetic', window: { start: '2021-01-04', end: '2025-12-31' }, tickers: ['SYN-A', 'SYN-B', 'SYN-C'] },
        rawDataHash: 'x',
        featureSetHash: 'x',
        metrics: { accuracy },
        codeVersion: 't',
        extra: { synthetic: true },
      },
      schemaHash: 's',
      labelDefinition: { horizon: 5, threshold: 0 },
    });
    versions.push(r.version);
    clock = new Date(promotedAt[runId]);
    if (runId !== 'r3') await registry.promote({ version: r.version, by: 'test', reason: 'test', runId });
  }
  const market = generateSyntheticMarket({
    tickers: ['SYN-A', 'SYN-B', 'SYN-C'],
    end: '2026-10-30',
    changes: [{ from: '2026-06-01', volatility: 2 }],
  });
  const parts = market.series.map((s) => ({ s, f: tickerFeatureColumns(s, { labelHorizon: 5, labelThreshold: 0 }) }));
  const outcomes = new Map<string, Outcome>();
  const records: unknown[] = [];
  const ret5 = FEATURE_NAMES.indexOf('ret_5');
  const ret10 = FEATURE_NAMES.indexOf('ret_10');
  for (const { s, f } of parts) {
    f.dates.forEach((date, i) => {
      outcomes.set(`${s.ticker}|${date}`, {
        label: f.values[FEATURE_NAMES.length]![i]!,
        nextReturn: f.values[FEATURE_NAMES.length + 2]![i]!,
      });
      if (date < '2026-01-01') return;
      const p = 1 / (1 + Math.exp(60 * f.values[ret5]![i]!));
      const shadow = 1 / (1 + Math.exp(40 * f.values[ret10]![i]!));
      for (const [version, role, q] of [
        [versions[1], 'production', p],
        [versions[2], 'shadow', shadow],
      ] as const) {
        records.push({
          requestId: `${s.ticker}${date}${role}`,
          at: `${date}T21:00:00Z`,
          model: MODEL,
          version,
          role,
          source: 'batch',
          ticker: s.ticker,
          date,
          probabilityUp: q,
          direction: q > 0.5 ? 'up' : 'down',
          threshold: 0.5,
        });
      }
    });
  }
  const history = monitorLocations(paths, MODEL).history;
  const days = [...new Set(parts[0]!.f.dates.filter((d) => d >= '2026-04-01'))].filter((_, k) => k % 5 === 0).slice(0, 30);
  for (const d of days) {
    const until = (r: unknown) => (r as { date: string }).date <= d;
    const snapshot = monitorSnapshot({
      at: `${d}T23:00:00Z`,
      model: MODEL,
      records: records.filter(until),
      unreadableLines: 0,
      outcomes: new Map([...outcomes].filter(([k]) => k.split('|')[1]! <= d)),
      windowDays: 40,
      labelHorizon: 5,
      costBps: 5,
      seed: 1,
      resamples: 200,
    });
    // The verdict the monitor activity would record, with a 0.62 floor on accuracy.
    const prod = snapshot.cohorts.find((c) => c.cohort.role === 'production')!;
    const drop = judgeDrop({
      realised: prod.window,
      holdout: {},
      policy: { floors: { accuracy: 0.62 }, holdoutMargin: 0.05, minMatured: 60, alpha: 0.05 },
    });
    snapshot.verdict = {
      production: prod.cohort.version,
      status: drop.status,
      note: drop.note,
      ...(drop.status === 'drop' ? { level: drop.level } : {}),
    };
    await appendMonitorHistory(history, snapshot);
  }
  const all = parts.flatMap(({ f }) => f.dates.map((d, i) => ({ d, v: FEATURE_NAMES.map((_, j) => f.values[j]![i]) })));
  const train = all.filter((r) => r.d < '2025-07-01');
  const reference = buildReferenceProfile({
    featureNames: [...FEATURE_NAMES],
    columns: FEATURE_NAMES.map((_, j) => train.map((r) => r.v[j]!)),
    calibration: { dates: train.map((r) => r.d), windowDays: 20 },
  });
  for (const d of days) {
    const allDays = [...new Set(all.map((r) => r.d))]
      .sort()
      .filter((x) => x <= d)
      .slice(-20);
    const rows = all.filter((r) => r.d >= allDays[0]! && r.d <= d);
    const res = checkDrift({
      reference,
      current: {
        featureNames: [...FEATURE_NAMES],
        columns: FEATURE_NAMES.map((_, j) => rows.map((r) => r.v[j]!)),
        dates: rows.map((r) => r.d),
        windowDays: 20,
      },
    });
    await appendDriftHistory(modelLinePaths(paths, MODEL).driftHistory, {
      at: `${d}T06:00:00Z`,
      runId: `drift-${d}`,
      productionVersion: versions[1]!,
      status: res.status,
      rows: res.rows,
      window: { start: allDays[0]!, end: d },
      predictionPsi: null,
      psi: Object.fromEntries(res.features.map((f) => [f.name, f.psi])),
    });
  }
  return { paths, versions };
}

describe('trainctl dashboard', () => {
  it('renders in headless Chromium: timeline, shadow vs production, drift heat map, run outcomes, alerts', async () => {
    const { paths, versions } = await populate();
    const html = await buildDashboardPage({ paths, modelName: MODEL, now: new Date('2026-10-30T12:00:00Z') });
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    const file = join(dir, 'dashboard.html');
    writeFileSync(file, html);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained: no scripts, no network

    // A fresh profile directory (Playwright passes it as --user-data-dir itself).
    const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1000, height: 900 },
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${file}`);
      expect(await page.title()).toBe(`trainctl dashboard — ${MODEL}`);
      const headings = await page.locator('h2').allTextContents();
      expect(headings).toEqual(['Production timeline', 'Shadow vs production', 'Drift per feature', 'Run outcomes', 'Alerts']);
      // Every chart is drawn and has a real size on the page.
      const charts = await page.locator('figure svg').all();
      expect(charts).toHaveLength(4);
      for (const chart of charts) {
        const box = await chart.boundingBox();
        expect(box!.width * box!.height).toBeGreaterThan(200 * 200);
      }
      // The heat map has one cell per feature and check.
      const cells = await page.locator('figure').nth(2).locator('path, rect').count();
      expect(cells).toBeGreaterThanOrEqual(27 * 30);
      expect(await page.locator('.kpi').first().textContent()).toContain(versions[1]);
      expect(await page.locator('section').nth(4).locator('tr').count()).toBeGreaterThan(1); // volatility doubled from June: drift alerts
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 180_000);
});
