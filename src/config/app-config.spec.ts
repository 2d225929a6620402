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
    expect(config.READ_STATEMENT_TIMEOUT_MS).toBe(10_000);
    expect(config.WEBHOOK_STORE_TIMEOUT_MS).toBe(3000);
    expect(config.OPS_PORT).toBeUndefined();
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
    // A key a Bearer header can never carry (a space) would make every GraphQL request a 401.
    [
      { ADMIN_API_KEY: 'an admin key with spaces in it 0123' },
      /ADMIN_API_KEY=\(hidden\): must be at least 24 characters of/,
    ],
    [{ ADMIN_API_KEY: 'short-key' }, /ADMIN_API_KEY=\(hidden\)/],
    [{ OPS_TOKEN: 'ops token with spaces 0123456789' }, /OPS_TOKEN=\(hidden\)/],
    [{ OPS_PORT: '70000' }, /OPS_PORT/],
    // Aircall gives up after 5 s: a store timeout past it could never turn into the 503 it exists for.
    [{ WEBHOOK_STORE_TIMEOUT_MS: '6000' }, /WEBHOOK_STORE_TIMEOUT_MS/],
    [{ READ_STATEMENT_TIMEOUT_MS: '0' }, /READ_STATEMENT_TIMEOUT_MS/],
    [{ INBOX_FAIR_SHARE_PER_SECOND: '0' }, /INBOX_FAIR_SHARE_PER_SECOND/],
    [{ HTTP_MAX_CONNECTIONS: '1' }, /HTTP_MAX_CONNECTIONS/],
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
