import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { Database } from '../src/database/database';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { accountIdOf } from './support/accounts';
import { createTestDatabase, TestDatabase } from './support/databases';
import { graphql, graphqlData } from './support/graphql-client';
import { seedInboxEvent } from './support/seed';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const DAY = 86_400;
const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? tmpdir();

// A missing browser must show up as a skipped suite, never as a suite that passed without a page.
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;
const reason = existsSync(CHROMIUM) ? '' : ` (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`;

/**
 * The admin console at /admin, driven in headless Chromium against the real service and the
 * simulator. SQLite only: it measures the page, which is the same whatever engine serves GraphQL
 * (the GraphQL suites cover both engines).
 */
describeWithChromium(`admin console at /admin${reason}`, () => {
  const now = Math.floor(Date.now() / 1000);
  let simulator: AircallSimulator;
  let company: SimulatedCompany;
  let database: TestDatabase;
  let app: TestApp;
  let db: Database;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The browser scripts are compiled by `npm run build`; ts-jest runs the service from its sources.
    execFileSync(join(__dirname, '..', 'node_modules', '.bin', 'tsc'), ['-p', 'src/console/client'], {
      cwd: join(__dirname, '..'),
      stdio: 'inherit',
    });
    simulator = await AircallSimulator.start({
      // A slow budget so the backfill lasts a few polls and its progress bar is seen moving.
      rateLimit: 4,
      rateWindowMs: 1_000,
      companies: [
        {
          id: 8_300_001,
          name: 'Console Co',
          callCount: 400,
          callsFrom: now - 10 * DAY,
          callsTo: now - 3_600,
        },
      ],
    });
    [company] = simulator.companies;
    database = await createTestDatabase('sqlite');
    app = await startTestApp(database.url, {
      AIRCALL_API_URL: simulator.baseUrl,
      AIRCALL_RATE_LIMIT: '4',
      AIRCALL_RATE_WINDOW_MS: '1000',
      AIRCALL_RETRY_BASE_MS: '20',
      BACKFILL_DAYS: '30',
      WEBHOOK_CHECK_CRON: 'off',
    });
    db = app.get(Database);
    profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
    page = await context.newPage();
    watch(page);
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.close();
    await simulator?.close();
    await database?.drop();
  });

  /** Script errors and CSP refusals show up as console errors: the page must have none. */
  function watch(p: Page): void {
    p.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    p.on('console', (message) => {
      // 400/401 are GraphQL answers the flow provokes (a wrong key, the progress probe); nothing else may fail.
      if (message.type() === 'error' && !/status of 40[01] /.test(message.text()))
        pageErrors.push(`console: ${message.text()}`);
    });
  }

  const shot = (name: string, p: Page = page) =>
    p.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
  const toast = (text: string | RegExp) => page.locator('.toast', { hasText: text }).first().waitFor();
  const card = () => page.locator('article.account');

  async function signIn(p: Page, key: string): Promise<void> {
    await p.goto(`${app.baseUrl}/admin`);
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
  }

  it('serves the page and its assets from the service, under a self-only CSP', async () => {
    const res = await fetch(`${app.baseUrl}/admin`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['/admin/assets/console.js', '/admin/assets/model.js', '/admin/assets/console.css']) {
      const a = await fetch(`${app.baseUrl}${asset}`);
      expect([asset, a.status]).toEqual([asset, 200]);
    }
    expect((await fetch(`${app.baseUrl}/admin/assets/..%2Fconsole-page.js`)).status).toBe(404);
  });

  it('refuses an unknown key and a READER key in words, and signs in with the admin key', async () => {
    await signIn(page, 'not-a-key-at-all-0123456789');
    await page.getByText('The service does not know this key').waitFor();
    await shot('sign-in');
    const reader = await graphqlData<{ createApiKey: { key: string } }>(
      app.baseUrl,
      TEST_ADMIN_KEY,
      'mutation { createApiKey(name: "reader", role: READER) { key } }',
    );
    await signIn(page, reader.createApiKey.key);
    await page.getByText('the console needs an ADMIN key').waitFor();
    await signIn(page, TEST_ADMIN_KEY);
    await page.getByText('No account yet').waitFor();
    await page.locator('li.key', { hasText: 'reader' }).waitFor();
    expect(await page.evaluate<string | null>("sessionStorage.getItem('aircall-sync.adminKey')")).toBe(
      TEST_ADMIN_KEY,
    );
  });

  it('says in words why a wrong API key cannot connect, never as JSON', async () => {
    await page.getByLabel('API ID').fill(company.apiId);
    await page.getByLabel('API token').fill('wrong-token');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const status = page.locator('#connect-status');
    const words = await waitFor(
      async () => (await status.textContent()) ?? '',
      (text) => text.length > 0 && !text.includes('Checking'),
    );
    expect(words).not.toMatch(/[{}]|"code"|extensions/);
    expect(words).toMatch(/Aircall|Check the form/);
  });

  it('connects an account with an API key and shows its backfill progress up to 100 %', async () => {
    await page.getByLabel('API ID').fill(company.apiId);
    await page.getByLabel('API token').fill(company.apiToken);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await toast(/Connected .*backfill has started/);
    await card().first().waitFor();
    // The bar of the running backfill (it lasts a few seconds at 4 requests a second), sampled
    // until the run is done: its "done / expected" and its estimate are shown while it runs.
    const running = page.locator('#running-runs .progress').first();
    await running.waitFor({ timeout: 20_000 });
    const seen: number[] = [];
    const words = new Set<string>();
    const finished = page.locator('#recent-runs .run-succeeded', { hasText: 'backfill' });
    while ((await finished.count()) === 0) {
      const sample = await page.evaluate<{ now: string | null; words: string }>(`(() => {
        const el = document.getElementById('running-runs');
        return {
          now: el.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') ?? null,
          words: el.querySelector('.progress-words')?.textContent ?? '',
        };
      })()`);
      if (sample.now !== null) seen.push(Number(sample.now));
      if (sample.words) words.add(sample.words);
      if (seen.length === 3) await shot('backfill-running');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(
      [...words].some((w) => /^\d+ % · \d+ \/ 400 calls · (about .* left|a few seconds left)/.test(w)),
    ).toBe(true);
    // Done: the finished run keeps a full bar, the calls it stored against Aircall's total.
    const bar = finished.locator('[role=progressbar]');
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    await finished.getByText('100 % · 400 / 400 calls').waitFor();
    await page.locator('#running-runs', { hasText: 'No sync is running' }).waitFor();
    const accountId = await accountIdOf(db, company);
    const written = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM calls WHERE account_id = ?', [
      accountId,
    ]);
    expect(Number(written[0].n)).toBe(400);
    await card().getByText('active', { exact: true }).first().waitFor();
    await shot('backfill-done');
  });

  it('starts a sync with "Sync now"', async () => {
    await card().getByRole('button', { name: 'Sync now' }).click();
    await toast(/Sync of .* queued/);
    await page
      .locator('#recent-runs .run-succeeded', { hasText: 'manual' })
      .first()
      .waitFor({ timeout: 60_000 });
  });

  it('names a disabled webhook and registers it again from the card', async () => {
    const accountId = await accountIdOf(db, company);
    await db.execute('UPDATE accounts SET webhook_active = 0 WHERE id = ?', [accountId]);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await card().getByText('Aircall disabled the webhook: register it again').waitFor();
    await shot('webhook-disabled');
    await card().getByRole('button', { name: 'Register the webhook again' }).click();
    await toast(/registered: calls arrive in real time again/);
    await card().getByText('Aircall disabled the webhook').waitFor({ state: 'detached' });
  });

  it('asks to reconnect when Aircall refused the token', async () => {
    const accountId = await accountIdOf(db, company);
    await db.execute(
      "UPDATE accounts SET status = 'needs_reauth', status_reason = 'Aircall answered 401' WHERE id = ?",
      [accountId],
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await card().getByText('Reconnect: Aircall refused the token').waitFor();
    await shot('needs-reauth');
    await card().getByRole('button', { name: 'Reconnect with an API key' }).click();
    await page.getByLabel('API ID').fill(company.apiId);
    await page.getByLabel('API token').fill(company.apiToken);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await toast(/Connected/);
    await card().getByText('Reconnect: Aircall refused the token').waitFor({ state: 'detached' });
  });

  it('lists a failed inbox event and replays it', async () => {
    const accountId = await accountIdOf(db, company);
    await seedInboxEvent(db, {
      accountId,
      id: 'console-failed-event-1',
      status: 'failed',
      attempts: 5,
      lastError: 'database error: deadlock found (simulated)',
    });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('[data-inbox-tab=FAILED]', { hasText: 'failed (1)' }).waitFor();
    const event = page.locator('[data-event="console-failed-event-1"]');
    await event.getByText('deadlock found').waitFor();
    await shot('inbox-failed');
    await event.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Replay 1 selected' }).click();
    await toast('1 event queued again');
    await event.waitFor({ state: 'detached' });
    const [row] = await db.query<{ status: string }>('SELECT status FROM webhook_events WHERE id = ?', [
      'console-failed-event-1',
    ]);
    expect(row.status).not.toBe('failed');
  });

  it('creates an API key, shows it once with a copy button, and revokes it after a confirmation', async () => {
    await page.getByLabel('Name').fill('BI dashboard');
    await page.getByLabel('Role').selectOption('READER');
    await page.getByRole('button', { name: 'Create key' }).click();
    const box = page.locator('#new-key');
    await box.getByText('it will not be shown again').waitFor();
    const secret = await page.locator('#new-key-value').inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await shot('key-created');
    await box.getByRole('button', { name: 'Copy' }).click();
    await toast('copied to the clipboard');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
    expect((await graphql(app.baseUrl, secret, '{ calls(first: 1) { totalCount } }')).status).toBe(200);
    await box.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.content()).not.toContain(secret);

    const line = page.locator('li.key', { hasText: 'BI dashboard' });
    await line.getByRole('button', { name: 'Revoke…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await toast('The key was not revoked');
    expect((await graphql(app.baseUrl, secret, '{ calls(first: 1) { totalCount } }')).status).toBe(200);

    await line.getByRole('button', { name: 'Revoke…' }).click();
    await page.getByRole('dialog').getByText('this cannot be undone').waitFor();
    await shot('revoke-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await toast('"BI dashboard" is revoked');
    await line.getByText('revoked', { exact: true }).waitFor();
    expect((await graphql(app.baseUrl, secret, '{ calls(first: 1) { totalCount } }')).status).toBe(401);
  });

  it('fits a phone screen (390×844) without horizontal scrolling', async () => {
    const phone = await context.newPage();
    watch(phone);
    await phone.setViewportSize({ width: 390, height: 844 });
    await signIn(phone, TEST_ADMIN_KEY);
    await phone.locator('article.account').first().waitFor();
    await phone.locator('li.key').first().waitFor();
    // A string: the test's tsconfig has no DOM types, the expression runs in the page.
    const widths = await phone.evaluate<{ viewport: number; page: number; widest: number }>(`({
      viewport: document.documentElement.clientWidth,
      page: document.documentElement.scrollWidth,
      widest: Math.max(...[...document.querySelectorAll('body *')].map((e) => e.getBoundingClientRect().right)),
    })`);
    await shot('phone', phone);
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(widths.widest).toBeLessThanOrEqual(widths.viewport + 0.5);
    await phone.locator('article.account').getByRole('button', { name: 'Disconnect…' }).click();
    const dialog = phone.getByRole('dialog');
    await dialog.waitFor();
    await phone.screenshot({ path: join(SHOTS, 'console-phone-dialog.png') });
    expect((await dialog.boundingBox())!.width).toBeLessThanOrEqual(390);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await phone.close();
  });

  it('disconnects an account only after a confirmation', async () => {
    await card().getByRole('button', { name: 'Disconnect…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await toast('Nothing was disconnected');
    await card().getByRole('button', { name: 'Disconnect…' }).click();
    await shot('disconnect-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
    await toast(/is disconnected/);
    await card().getByText('Disconnected: the credentials were forgotten').waitFor();
    await shot('disconnected');
  });

  it('ran without a script error or a CSP refusal', () => {
    expect(pageErrors).toEqual([]);
  });
});
