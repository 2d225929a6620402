import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { WebhookTokenCache } from '../webhooks/webhook-token-cache';
import { AccountLifecycle } from './account-events';

/**
 * Makes webhook ingestion forget cached token → account lookups whenever an account's token hash changes,
 * so a rotated or removed token stops being accepted at once. The cache is looked up at run time rather
 * than imported, so the webhooks module can depend on accounts without a cycle.
 */
@Injectable()
export class WebhookTokenInvalidation implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly lifecycle: AccountLifecycle,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.lifecycle.on('webhookTokenChanged', () => this.cache()?.invalidate());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private cache(): WebhookTokenCache | null {
    try {
      return this.moduleRef.get(WebhookTokenCache, { strict: false });
    } catch {
      return null;
    }
  }
}
