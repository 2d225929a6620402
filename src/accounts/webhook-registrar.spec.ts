import { Logger } from '@nestjs/common';
import { Account } from './account';
import { AccountsService } from './accounts.service';
import { WebhookRegistration } from './accounts.repository';
import { AircallClient } from '../aircall/aircall-client';
import { AircallCredentials } from '../aircall/aircall-credentials';
import { REQUIRED_EVENTS, subscribedEvents } from '../aircall/aircall-events';
import { AircallRequestError } from '../aircall/aircall-errors';
import { AircallWebhook } from '../aircall/aircall-types';
import { AppConfig } from '../config/app-config';
import { sha256Hex } from '../crypto/hashing';
import { WebhookRegistrar } from './webhook-registrar';

const URL = 'https://sync.example.com/aircall/webhook';

/** Aircall's side: webhooks by id, with GET /v1/webhooks/:id revealing the token or not. */
class FakeAircall {
  webhooks = new Map<string, AircallWebhook>();
  revealTokenOnGet = true;
  created = 0;
  /** Event names this fake refuses with a 400, as Aircall does for events it does not know. */
  refused = new Set<string>();

  async listWebhooks(): Promise<AircallWebhook[]> {
    return [...this.webhooks.values()].map(({ token: _token, ...rest }) => rest);
  }
  async getWebhook(_c: AircallCredentials, id: string): Promise<AircallWebhook> {
    const webhook = this.webhooks.get(id)!;
    return this.revealTokenOnGet ? webhook : { ...webhook, token: undefined };
  }
  async createWebhook(
    _c: AircallCredentials,
    definition: { url: string; events: readonly string[] },
  ): Promise<AircallWebhook> {
    const refused = definition.events.filter((event) => this.refused.has(event));
    if (refused.length > 0)
      throw new AircallRequestError('Aircall POST /v1/webhooks answered 400 (Bad Request)', 400, {
        troubleshoot: `invalid events: ${refused.join(', ')}`,
      });
    this.created += 1;
    const webhook = {
      webhook_id: `new-${this.created}`,
      url: definition.url,
      events: [...definition.events],
      active: true,
      token: `token-new-${this.created}`,
    };
    this.webhooks.set(webhook.webhook_id, webhook);
    return webhook;
  }
  async deleteWebhook(_c: AircallCredentials, id: string): Promise<void> {
    this.webhooks.delete(id);
  }
  add(id: string, token: string, overrides: Partial<AircallWebhook> = {}): void {
    this.webhooks.set(id, {
      webhook_id: id,
      url: URL,
      events: [...REQUIRED_EVENTS],
      active: true,
      token,
      ...overrides,
    });
  }
}

/** The accounts side: one account, its stored webhook id and token hash. */
class FakeAccounts {
  account = { id: '1', authType: 'basic', webhookId: null as string | null } as Account;
  tokenHash: string | null = null;
  recorded: WebhookRegistration[] = [];

  async get(): Promise<Account> {
    return this.account;
  }
  async credentialsFor(): Promise<AircallCredentials> {
    return { kind: 'basic', apiId: 'id', apiToken: 'token' };
  }
  async webhookTokenHash(): Promise<string | null> {
    return this.tokenHash;
  }
  async recordWebhook(_id: string, registration: WebhookRegistration): Promise<boolean> {
    this.recorded.push(registration);
    this.account = { ...this.account, webhookId: registration.webhookId };
    this.tokenHash = registration.tokenHash;
    return true;
  }
}

describe('WebhookRegistrar', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let aircall: FakeAircall;
  let accounts: FakeAccounts;
  let registrar: WebhookRegistrar;

  beforeEach(() => {
    aircall = new FakeAircall();
    accounts = new FakeAccounts();
    const config = Object.assign(new AppConfig(), { PUBLIC_URL: 'https://sync.example.com/' });
    registrar = new WebhookRegistrar(
      aircall as unknown as AircallClient,
      accounts as unknown as AccountsService,
      config,
    );
  });

  it('creates a webhook for every subscribed event at PUBLIC_URL/aircall/webhook and stores only its token hash', async () => {
    await registrar.register('1');
    expect([...aircall.webhooks.values()]).toEqual([
      expect.objectContaining({ url: URL, events: subscribedEvents('basic') }),
    ]);
    expect(accounts.recorded).toEqual([
      { webhookId: 'new-1', tokenHash: sha256Hex('token-new-1'), active: true },
    ]);
  });

  it('reuses our healthy webhook, taking the token hash from GET /v1/webhooks/:id', async () => {
    aircall.add('w1', 'token-1');
    await registrar.register('1');
    expect(aircall.created).toBe(0);
    expect(accounts.recorded).toEqual([{ webhookId: 'w1', tokenHash: sha256Hex('token-1'), active: true }]);
  });

  it('keeps the stored hash of the webhook it registered itself when Aircall does not reveal the token', async () => {
    aircall.add('w1', 'token-1');
    aircall.revealTokenOnGet = false;
    accounts.account = { ...accounts.account, webhookId: 'w1' };
    accounts.tokenHash = sha256Hex('token-1');
    await registrar.register('1');
    expect(aircall.created).toBe(0);
    expect(accounts.tokenHash).toBe(sha256Hex('token-1'));
  });

  it('replaces a webhook at our URL whose token it cannot know', async () => {
    aircall.add('stranger', 'token-x');
    aircall.revealTokenOnGet = false;
    await registrar.register('1');
    expect([...aircall.webhooks.keys()]).toEqual(['new-1']);
    expect(accounts.tokenHash).toBe(sha256Hex('token-new-1'));
  });

  it('replaces an inactive webhook and keeps only one of ours, never touching other URLs', async () => {
    aircall.add('w1', 'token-1', { active: false });
    aircall.add('w2', 'token-2', { events: ['call.created'] });
    aircall.add('other', 'token-o', { url: 'https://crm.example.com/hook' });
    await registrar.register('1');
    expect([...aircall.webhooks.keys()].sort()).toEqual(['new-1', 'other']);
  });

  it('prefers the webhook already on record among several healthy ones and deletes the rest', async () => {
    aircall.add('w1', 'token-1');
    aircall.add('w2', 'token-2');
    accounts.account = { ...accounts.account, webhookId: 'w2' };
    await registrar.register('1');
    expect([...aircall.webhooks.keys()]).toEqual(['w2']);
    expect(accounts.tokenHash).toBe(sha256Hex('token-2'));
  });

  it('falls back to the events it applies when Aircall refuses a newer event family', async () => {
    aircall.refused.add('ai_voice_agent.summary');
    await registrar.register('1');
    expect([...aircall.webhooks.values()]).toEqual([
      expect.objectContaining({ url: URL, events: [...REQUIRED_EVENTS] }),
    ]);
    expect(accounts.recorded).toHaveLength(1);
  });

  it('subscribes to the uninstall event for OAuth installs only, and to no deprecated V1 user event', async () => {
    expect(subscribedEvents('oauth')).toContain('integration.deleted');
    expect(subscribedEvents('basic')).not.toContain('integration.deleted');
    for (const authType of ['basic', 'oauth'] as const) {
      const events = subscribedEvents(authType);
      expect(events.filter((event) => /^user\.[a-z_]+$/.test(event))).toEqual([]);
      expect(events).toEqual(
        expect.arrayContaining(['user.closed.v2', 'message.received', 'transcription.created']),
      );
      expect(events.filter((event) => event.startsWith('analytics.'))).toEqual([]);
    }
  });

  it('still fails with the last refusal when even the events it applies are refused', async () => {
    aircall.refused.add('call.created');
    await expect(registrar.register('1')).rejects.toBeInstanceOf(AircallRequestError);
    expect(aircall.webhooks.size).toBe(0);
  });
});
