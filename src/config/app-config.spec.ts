import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives the documented defaults on an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe('sqlite:./data/aircall-sync.sqlite');
    expect(config.AIRCALL_API_URL).toBe('https://api.aircall.io');
    expect(config.AIRCALL_RATE_LIMIT).toBe(60);
    expect(config.SYNC_CRON).toBe('*/15 * * * *');
    expect(config.SYNC_RECONCILE_DAYS).toBe(3);
    expect(config.BACKFILL_DAYS).toBe(30);
  });
  it.each([
    [{ PORT: 'eighty' }, /PORT="eighty": .*integer/],
    [
      { DATABASE_URL: 'postgres://x/y' },
      /DATABASE_URL=.*mysql:\/\/user:pass@host:port\/database or sqlite:PATH/,
    ],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL=.*http\(s\) URL/],
    [{ AIRCALL_RATE_LIMIT: '0' }, /AIRCALL_RATE_LIMIT/],
    [{ SYNC_CRON: 'every hour' }, /SYNC_CRON=.*cron expression/],
    [
      { DATABASE_URL: 'mysql://root@127.0.0.1:3306/db' },
      /ENCRYPTION_KEY is required with a MySQL DATABASE_URL/,
    ],
    [{ ENCRYPTION_KEY: 'short' }, /ENCRYPTION_KEY=\(hidden\): must be 32 bytes/],
  ])('stops with one line naming the variable for %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
  it('never echoes a secret value in its error', () => {
    try {
      loadConfig({ ENCRYPTION_KEY: 'my-secret-value' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(String(error)).not.toContain('my-secret-value');
    }
  });
});
