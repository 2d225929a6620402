import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { constantTimeEqual, sha256Hex } from '../crypto/hashing';
import { ApiKeyRepository, StoredApiKey } from './api-key.repository';
import { bearerToken } from './api-key-secret';
import { AuthenticatedApiKey, BOOTSTRAP_ADMIN_KEY_ID } from './authenticated-api-key';
import { Role } from './role';

/** How long a lookup (found or not) is trusted; a key revoked on another instance stops working after this. */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;
/** last_used_at is informative: write it at most once a minute per key. */
const TOUCH_INTERVAL_MS = 60_000;

interface CacheEntry {
  key: AuthenticatedApiKey | null;
  expiresAt: number;
}

/**
 * Turns an `Authorization: Bearer …` header into the caller's key. Only hashes are compared (in constant
 * time); ADMIN_API_KEY is kept as its hash too. Lookups are cached briefly so a busy client costs one
 * SELECT every few seconds, not one per request.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  private readonly bootstrapHash: string | null;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyRepository,
    config: AppConfig,
  ) {
    this.bootstrapHash = config.ADMIN_API_KEY ? sha256Hex(config.ADMIN_API_KEY) : null;
  }

  async authenticate(authorization: string | string[] | undefined): Promise<AuthenticatedApiKey | null> {
    const token = bearerToken(authorization);
    if (!token) return null;
    const hash = sha256Hex(token);
    if (this.bootstrapHash !== null && constantTimeEqual(hash, this.bootstrapHash)) {
      return { id: BOOTSTRAP_ADMIN_KEY_ID, role: Role.ADMIN, accountIds: null };
    }
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.key;

    const stored = await this.keys.findByHash(hash);
    const key =
      stored && stored.revokedAt === null && constantTimeEqual(stored.keyHash, hash)
        ? toAuthenticated(stored)
        : null;
    this.remember(hash, key, now);
    if (key) await this.touch(key.id, now);
    return key;
  }

  /** Drops cached lookups of a key (called on revocation so this instance refuses it at once). */
  forget(id: string): void {
    for (const [hash, entry] of this.cache) {
      if (entry.key?.id === id) this.cache.delete(hash);
    }
  }

  private remember(hash: string, key: AuthenticatedApiKey | null, now: number): void {
    if (this.cache.size >= CACHE_MAX_ENTRIES) {
      for (const [h, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(h);
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    }
    this.cache.set(hash, { key, expiresAt: now + CACHE_TTL_MS });
  }

  private async touch(id: string, now: number): Promise<void> {
    if ((this.touchedAt.get(id) ?? 0) + TOUCH_INTERVAL_MS > now) return;
    this.touchedAt.set(id, now);
    try {
      await this.keys.touch(id, new Date(now));
    } catch (error) {
      // Recording last use must never refuse an otherwise valid request.
      this.logger.warn(
        `could not record last use of API key ${id}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function toAuthenticated(stored: StoredApiKey): AuthenticatedApiKey {
  return {
    id: stored.id,
    role: stored.role,
    accountIds: stored.role === Role.ADMIN ? null : stored.accountIds,
  };
}
