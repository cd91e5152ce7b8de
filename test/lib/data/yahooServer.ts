import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Bar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  adjclose: number;
  volume: number;
}

/** Where a chart's exchange is: its UTC offset names the time zone in the meta block. */
export interface ChartExchange {
  utcOffsetH: number;
  /** Local hour of the session open, which stamps each bar (09:30 on US exchanges). */
  openHour: number;
}
const US: ChartExchange = { utcOffsetH: -5, openHour: 9.5 };

/**
 * A v8/finance/chart response body as Yahoo sends it (by default a US exchange, bars stamped at
 * 09:30 ET); `adjclose: false` leaves out the adjusted closes as some symbols' answers do.
 */
export function chartJson(symbol: string, bars: Bar[], o: { exchange?: ChartExchange; adjclose?: boolean } = {}): unknown {
  const ex = o.exchange ?? US;
  const ts = bars.map((b) => Date.parse(`${b.date}T00:00:00Z`) / 1000 + (ex.openHour - ex.utcOffsetH) * 3600);
  const tz = ex.utcOffsetH === 9 ? { timezone: 'JST', name: 'Asia/Tokyo' } : { timezone: 'EST', name: 'America/New_York' };
  const period = { timezone: tz.timezone, start: 0, end: 0, gmtoffset: ex.utcOffsetH * 3600 };
  return {
    chart: {
      result: [
        {
          meta: {
            currency: ex.utcOffsetH === 9 ? 'JPY' : 'USD',
            symbol,
            exchangeName: ex.utcOffsetH === 9 ? 'JPX' : 'NMS',
            instrumentType: 'EQUITY',
            firstTradeDate: 345479400,
            regularMarketTime: ts.at(-1) ?? 0,
            gmtoffset: ex.utcOffsetH * 3600,
            timezone: tz.timezone,
            exchangeTimezoneName: tz.name,
            regularMarketPrice: bars.at(-1)?.close ?? 0,
            chartPreviousClose: bars[0]?.close ?? 0,
            priceHint: 2,
            currentTradingPeriod: { pre: period, regular: period, post: period },
            dataGranularity: '1d',
            range: '',
            validRanges: ['1d', '5d', '1mo', 'max'],
          },
          timestamp: ts,
          indicators: {
            quote: [
              {
                open: bars.map((b) => b.open),
                high: bars.map((b) => b.high),
                low: bars.map((b) => b.low),
                close: bars.map((b) => b.close),
                volume: bars.map((b) => b.volume),
              },
            ],
            ...(o.adjclose === false ? {} : { adjclose: [{ adjclose: bars.map((b) => b.adjclose) }] }),
          },
        },
      ],
      error: null,
    },
  };
}

export const NOT_FOUND_JSON = {
  chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } },
};

export type Responder = (symbol: string, query: URLSearchParams, attempt: number) => { status: number; body: unknown };

/** Serves /v8/finance/chart/SYMBOL on 127.0.0.1 and records every request. */
export async function startYahooServer(respond: Responder): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    const m = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404).end('not here');
      return;
    }
    const symbol = decodeURIComponent(m[1]!);
    const attempt = (attempts.get(symbol) ?? 0) + 1;
    attempts.set(symbol, attempt);
    const { status, body } = respond(symbol, url.searchParams, attempt);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
