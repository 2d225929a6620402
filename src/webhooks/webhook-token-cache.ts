import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Database } from '../database/database';

interface Entry {
  accountId: string | null;
  hash: Buffer;
  expiresAt: number;
}

const HIT_TTL_MS = 30_000;
/** Unknown tokens are remembered briefly too, so a flood of bad deliveries does not reach the database. */
const MISS_TTL_MS = 5_000;
const MAX_ENTRIES = 100_000;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

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
    const hash = Buffer.from(hashHex, 'hex');
    const match = rows.find((r) => {
      const stored = Buffer.from(String(r.webhook_token_hash), 'hex');
      return stored.length === hash.length && timingSafeEqual(stored, hash);
    });
    const accountId = match ? String(match.id) : null;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hashHex, { accountId, hash, expiresAt: now + (accountId ? HIT_TTL_MS : MISS_TTL_MS) });
    return accountId;
  }

  invalidate(): void {
    this.entries.clear();
  }
}
