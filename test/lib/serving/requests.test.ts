import { describe, expect, it } from 'vitest';
import { parseInstanceList } from '../../../lib/serving/deploy';
import { featureRowOf, parsePredictQuery } from '../../../lib/serving/predictQuery';

describe('request parsing', () => {
  it('names the offending field', () => {
    expect(() => parsePredictQuery([1, 2])).toThrow('body must be a JSON object');
    expect(() => parsePredictQuery({ date: '2026-01-05' })).toThrow('field "ticker" is required');
    expect(() => parsePredictQuery({ ticker: 'A', features: {} })).toThrow('field "features" cannot be combined');
    expect(() => parsePredictQuery({ tickr: 'A' }, 'rows[2].')).toThrow('field "rows[2].tickr" is not allowed');
    expect(parsePredictQuery({ ticker: 'A' })).toEqual({ kind: 'ticker', ticker: 'A', date: undefined });
  });

  it('takes a feature object only with exactly the model features, as numbers, in model order', () => {
    expect(Array.from(featureRowOf({ b: 2, a: 1.5 }, ['a', 'b'], 'v1.0.0'))).toEqual([1.5, 2]);
    expect(() => featureRowOf({ a: 1 }, ['a', 'b'], 'v1.0.0')).toThrow('field "features.b" is missing');
    expect(() => featureRowOf({ a: 1, b: 2, c: 3 }, ['a', 'b'], 'v1.0.0')).toThrow('field "features.c" is not a feature of v1.0.0');
    expect(() => featureRowOf({ a: '1', b: 2 }, ['a', 'b'], 'v1.0.0')).toThrow('field "features.a" must be a finite number');
    expect(() => featureRowOf({ a: null, b: 2 }, ['a', 'b'], 'v1.0.0')).toThrow('field "features.a" must be a finite number');
  });

  it('parses the deploy instance list', () => {
    expect(parseInstanceList(undefined)).toEqual([]);
    expect(parseInstanceList(' http://a:8080, http://b:9090/ ')).toEqual(['http://a:8080/', 'http://b:9090/']);
    expect(() => parseInstanceList('http://a:8080,b-host')).toThrow('serving instance "b-host" is not a URL');
  });
});
