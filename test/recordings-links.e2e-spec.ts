import { Database } from '../src/database/database';
import { SyncService } from '../src/sync/sync.service';
import { AircallSimulator } from './simulator/aircall-simulator';
import { SimulatedCompany } from './simulator/simulated-company';
import { connectCompany } from './support/accounts';
import { describeEachEngine } from './support/databases';
import { graphqlData } from './support/graphql-client';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

const DAY = 86_400;
const TRIGGER = `mutation ($id: ID!, $from: DateTime, $to: DateTime) {
  triggerSync(accountId: $id, from: $from, to: $to) { id } }`;
const PAGE = `query ($f: CallFilter) { calls(first: 50, filter: $f) { edges { node { id recordingUrl
  recording { status url urlExpiresAt } } } } }`;

interface PageNode {
  id: string;
  recordingUrl: string | null;
  recording: { status: string | null; url: string | null; urlExpiresAt: string | null } | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The service in RECORDINGS=links (the default) or off, its calls synced with links that live ten
 * minutes (links) or two seconds (off).
 */
function linksSuite(mode: 'links' | 'off') {
  describeEachEngine(`Recording links (RECORDINGS=${mode})`, (database) => {
    const now = Math.floor(Date.now() / 1000);
    let simulator: AircallSimulator;
    let company: SimulatedCompany;
    let app: TestApp;
    let accountId: string;

    const page = async (filter: Record<string, unknown> = {}) =>
      (
        await graphqlData<{ calls: { edges: Array<{ node: PageNode }> } }>(
          app.baseUrl,
          TEST_ADMIN_KEY,
          PAGE,
          {
            f: filter,
          },
        )
      ).calls.edges.map((e) => e.node);
    const reads = () => simulator.requestLog.filter((r) => /^\/v1\/calls\/\d+$/.test(r.path)).length;

    beforeAll(async () => {
      simulator = await AircallSimulator.start({
        rateLimit: 600,
        rateWindowMs: 1000,
        mediaBytes: 2_000,
        mediaLinkTtlSeconds: mode === 'links' ? 600 : 2,
        companies: [{ id: 8_300_010, callCount: 30, callsFrom: now - 3 * DAY, callsTo: now - 3_600 }],
      });
      [company] = simulator.companies;
      app = await startTestApp(database().url, {
        AIRCALL_API_URL: simulator.baseUrl,
        AIRCALL_RATE_LIMIT: '600',
        AIRCALL_RATE_WINDOW_MS: '1000',
        WEBHOOK_CHECK_CRON: 'off',
        BACKFILL_DAYS: '7',
        RECORDINGS: mode,
        RECORDINGS_REFRESHES_PER_REQUEST: '3',
      });
      app.config.PUBLIC_URL = app.baseUrl;
      accountId = await connectCompany(app.baseUrl, company);
      await app.get(SyncService).whenIdle();
    });

    afterAll(async () => {
      await app?.close();
      await simulator?.close();
    });

    it('hands out the stored link while it lives, and hasRecording still filters', async () => {
      const recorded = await page({ hasRecording: true });
      expect(recorded.length).toBeGreaterThan(5);
      const before = reads();
      for (const call of recorded) {
        expect(call.recording).toMatchObject({ status: null, url: call.recordingUrl });
        // The link says when it dies (X-Amz-Date + X-Amz-Expires).
        const life = (mode === 'links' ? 600 : 2) * 1000;
        expect(Math.abs(Date.parse(call.recording!.urlExpiresAt!) - (Date.now() + life))).toBeLessThan(5_000);
      }
      expect(reads()).toBe(before);
      for (const call of await page({ hasRecording: false })) expect(call.recording).toBeNull();
      const [row] = await app.get(Database).query<{ n: unknown }>('SELECT COUNT(*) AS n FROM call_media');
      expect(Number(row.n)).toBe(0);
    });

    if (mode === 'links') {
      it('re-reads the call for a fresh link once the stored one is too old, within the request budget', async () => {
        // A sync stores links with a minute left: too little to hand out (less than five minutes).
        simulator.setMediaLinkTtl(60);
        await graphqlData(app.baseUrl, TEST_ADMIN_KEY, TRIGGER, {
          id: accountId,
          from: new Date((now - 7 * DAY) * 1000).toISOString(),
          to: new Date().toISOString(),
        });
        await app.get(SyncService).whenIdle();
        simulator.setMediaLinkTtl(3600);
        const before = reads();
        const recorded = await page({ hasRecording: true });
        // At most RECORDINGS_REFRESHES_PER_REQUEST re-reads; the other calls get no link in this request.
        const fresh = recorded.filter((c) => c.recording!.url !== null);
        expect(fresh).toHaveLength(3);
        expect(reads() - before).toBe(3);
        for (const call of fresh) {
          expect(call.recording!.url).not.toBe(call.recordingUrl);
          expect(call.recording!.url).toContain('X-Amz-Expires=3600');
          expect((await fetch(call.recording!.url!)).status).toBe(200);
        }
        // The re-read was stored: the next request hands out those links without asking Aircall for them.
        const again = await page({ hasRecording: true });
        const ids = new Set(fresh.map((c) => c.id));
        for (const call of again.filter((c) => ids.has(c.id)))
          expect(call.recording!.url).toBe(call.recordingUrl);
      });
    } else {
      it('hands out the stored link even once it has expired, without asking Aircall', async () => {
        await sleep(2_100);
        const before = reads();
        const recorded = await page({ hasRecording: true });
        for (const call of recorded) expect(call.recording!.url).toBe(call.recordingUrl);
        expect(reads()).toBe(before);
      });
    }
  });
}

linksSuite('links');
linksSuite('off');
