import { Injectable } from '@nestjs/common';
import { constantTimeEqual, sha256Hex } from '../crypto/hashing';
import { Database } from '../database/database';

interface Entry {
  accountId: string | null;
  expiresAt: number;
}

const HIT_TTL_MS = 30_000;
/** Unknown tokens are remembered briefly too, so a flood of bad deliveries does not reach the database. */
const MISS_TTL_MS = 5_000;
const MAX_ENTRIES = 100_000;

/**
 * Finds the account a webhook delivery belongs to from the SHA-256 of its `token` (Aircall sends no
 * signature: the token is the only proof — https://developer.aircall.io/api-references/#webhooks).
 * Only hashes are stored; the stored hash is compared in constant time; results are cached.
 * Whoever changes an account's webhook token calls invalidate().
 */
@Injectable()
export class WebhookTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly db: Database) {}

  async accountFor(token: string): Promise<string | null> {
    const hashHex = sha256Hex(token);
    const now = Date.now();
    const cached = this.entries.get(hashHex);
    if (cached && cached.expiresAt > now) return cached.accountId;

    const rows = await this.db.query<{ id: unknown; webhook_token_hash: string }>(
      `SELECT id, webhook_token_hash FROM accounts WHERE webhook_token_hash = ? AND status <> 'disconnected'`,
      [hashHex],
    );
    const match = rows.find((r) => constantTimeEqual(String(r.webhook_token_hash), hashHex));
    const accountId = match ? String(match.id) : null;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hashHex, { accountId, expiresAt: now + (accountId ? HIT_TTL_MS : MISS_TTL_MS) });
    return accountId;
  }

  invalidate(): void {
    this.entries.clear();
  }
}
