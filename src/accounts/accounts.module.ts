import { Module } from '@nestjs/common';
import { AircallModule } from '../aircall/aircall.module';
import { CryptoModule } from '../crypto/crypto.module';
import { LeasesModule } from '../leases/leases.module';
import { WebhookHealthCheck } from '../webhooks/webhook-health';
import { WebhookRegistrar } from '../webhooks/webhook-registrar';
import { AccountConnector } from './account-connector';
import { AccountIdentity } from './account-identity';
import { AccountLifecycle } from './account-events';
import { AccountsRepository } from './accounts.repository';
import { AccountsResolver } from './accounts.resolver';
import { AccountsService } from './accounts.service';

/**
 * Tenants: connected Aircall companies with sealed credentials (AccountsService), connecting and
 * disconnecting them (AccountConnector), their webhook registration and its periodic health check
 * (WebhookRegistrar, WebhookHealthCheck), and the AccountLifecycle events sync subscribes to.
 */
@Module({
  imports: [AircallModule, CryptoModule, LeasesModule],
  providers: [
    AccountsRepository,
    AccountsService,
    AccountLifecycle,
    AccountConnector,
    AccountIdentity,
    AccountsResolver,
    WebhookRegistrar,
    WebhookHealthCheck,
  ],
  exports: [
    AccountsRepository,
    AccountsService,
    AccountLifecycle,
    AccountConnector,
    WebhookRegistrar,
    WebhookHealthCheck,
  ],
})
export class AccountsModule {}
