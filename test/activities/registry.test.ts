import { describe, expect, it } from 'vitest';
import { retentionFromEnv } from '../../activities/registry';
import { ConfigError } from '../../lib/util/errors';

describe('retention setting', () => {
  it('keeps everything by default and reads count and age limits from the environment', () => {
    expect(retentionFromEnv({})).toBeUndefined();
    expect(retentionFromEnv({ TRAINCTL_RETENTION_KEEP: '3' })).toEqual({ keep: 3, maxAgeDays: undefined });
    expect(retentionFromEnv({ TRAINCTL_RETENTION_MAX_AGE_DAYS: '90' })).toEqual({ keep: undefined, maxAgeDays: 90 });
    expect(() => retentionFromEnv({ TRAINCTL_RETENTION_KEEP: 'many' })).toThrow(ConfigError);
  });
});
