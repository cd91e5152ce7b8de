import { createServer, type Server } from 'node:http';
import { describe, expect, inject, it, afterAll, beforeAll } from 'vitest';
import { freePort } from '../../../client/devServer';
import { checkStore, LocalStore, openStore, parseArtifactsLocation, S3Store } from '../../../lib/store';
import { ConfigError } from '../../../lib/util/errors';
import { awsEnv } from '../../support/s3Server';

const s3 = inject('s3Endpoint');

/** The one line the worker would print before refusing to start. */
async function preflightError(env: Record<string, string>): Promise<string> {
  let err: unknown;
  try {
    const store = openStore({ env });
    try {
      await checkStore(store);
    } finally {
      store.close();
    }
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const message = (err as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  return message;
}

describe('TRAINCTL_ARTIFACTS', () => {
  it('selects the local directory by default, a path or file:// URI, or a bucket and prefix', () => {
    expect(parseArtifactsLocation(undefined)).toEqual({ kind: 'local', root: null });
    expect(parseArtifactsLocation('file:///srv/artifacts')).toEqual({ kind: 'local', root: '/srv/artifacts' });
    expect(parseArtifactsLocation('s3://team-ml/trainctl/prod/')).toEqual({ kind: 's3', bucket: 'team-ml', prefix: 'trainctl/prod' });
    expect(parseArtifactsLocation('s3://team-ml')).toEqual({ kind: 's3', bucket: 'team-ml', prefix: '' });
    for (const bad of ['s3://UPPER/x', 's3://a/../b', 'gs://bucket/x', 's3:///x'])
      expect(() => parseArtifactsLocation(bad)).toThrow(ConfigError);
    const home = openStore({ env: { TRAINCTL_HOME: '/tmp/project' } });
    expect(home).toBeInstanceOf(LocalStore);
    expect(home.uri).toBe('file:///tmp/project');
    const bucket = openStore({ env: { ...awsEnv(s3), TRAINCTL_ARTIFACTS: 's3://team-ml/trainctl' } });
    expect(bucket).toBeInstanceOf(S3Store);
    expect(bucket.uriOf('models/a/registry.json')).toBe('s3://team-ml/trainctl/models/a/registry.json');
    bucket.close();
  });

  it('refuses a half-given configuration before contacting anything', () => {
    const { AWS_SECRET_ACCESS_KEY: _secret, ...noSecret } = awsEnv(s3);
    expect(() => openStore({ env: { ...noSecret, TRAINCTL_ARTIFACTS: 's3://bkt/p' } })).toThrow(
      /set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    expect(() => openStore({ env: { AWS_ENDPOINT_URL: s3.endpoint, TRAINCTL_ARTIFACTS: 's3://bkt/p' } })).toThrow(
      /are required with the endpoint/,
    );
    expect(() => openStore({ env: { ...awsEnv(s3), AWS_ENDPOINT_URL_S3: 'not a url', TRAINCTL_ARTIFACTS: 's3://bkt/p' } })).toThrow(
      /not a URL/,
    );
  });
});

describe('checkStore preflight (the worker refuses to start with one line)', () => {
  let notS3: Server;
  let notS3Url: string;
  beforeAll(async () => {
    notS3 = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    const port = await freePort();
    await new Promise<void>((r) => notS3.listen(port, '127.0.0.1', r));
    notS3Url = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((r) => notS3.close(() => r())));

  it('passes on the real server: bucket there, credentials good, conditional writes honoured', async () => {
    const store = openStore({ env: { ...awsEnv(s3), TRAINCTL_ARTIFACTS: `s3://${s3.bucket}/preflight` } });
    await expect(checkStore(store)).resolves.toBeUndefined();
    expect(await store.list('')).toEqual([]);
    store.close();
  });

  it('names a missing bucket', async () => {
    const message = await preflightError({ ...awsEnv(s3), TRAINCTL_ARTIFACTS: 's3://no-such-bucket/x' });
    expect(message).toBe(`s3://no-such-bucket/x: bucket does not exist (endpoint ${s3.endpoint})`);
  });

  it('names refused credentials', async () => {
    const message = await preflightError({ ...awsEnv(s3), AWS_SECRET_ACCESS_KEY: 'wrong', TRAINCTL_ARTIFACTS: `s3://${s3.bucket}/x` });
    expect(message).toMatch(
      new RegExp(`^s3://${s3.bucket}/x: access denied: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY .*\\(endpoint ${s3.endpoint}\\)$`),
    );
  });

  it('names an unreachable endpoint', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const message = await preflightError({ ...awsEnv(s3), AWS_ENDPOINT_URL_S3: endpoint, TRAINCTL_ARTIFACTS: `s3://${s3.bucket}/x` });
    expect(message).toBe(`s3://${s3.bucket}/x: endpoint unreachable (ECONNREFUSED) (endpoint ${endpoint})`);
  });

  it('names an endpoint that is not S3', async () => {
    const message = await preflightError({ ...awsEnv(s3), AWS_ENDPOINT_URL_S3: notS3Url, TRAINCTL_ARTIFACTS: `s3://${s3.bucket}/x` });
    expect(message).toMatch(new RegExp(`^s3://${s3.bucket}/x: .*\\(endpoint ${notS3Url}\\)$`));
    console.log(`not an S3 endpoint: ${message}`);
  });
});
