import { AccountsStoreModule } from './accounts-store.module';
import { Module } from '@nestjs/common';
import { AircallModule } from '../aircall/aircall.module';
import { CryptoModule } from '../crypto/crypto.module';
import { LeasesModule } from '../leases/leases.module';
import { WebhookHealthCheck } from './webhook-health-check';
import { WebhookRegistrar } from './webhook-registrar';
import { AccountConnector } from './account-connector';
import { AccountIdentity } from './account-identity';
import { AccountLifecycle, AccountPurgeHooks } from './account-events';
import { AccountsResolver } from './accounts.resolver';
import { AccountsService } from './accounts.service';

/**
 * Tenants: connected Aircall companies with sealed credentials (AccountsService), connecting and
 * disconnecting them (AccountConnector), their webhook registration and its periodic health check
 * (WebhookRegistrar, WebhookHealthCheck), and the AccountLifecycle events sync subscribes to.
 */
@Module({
  imports: [AircallModule, CryptoModule, LeasesModule, AccountsStoreModule],
  providers: [
    AccountsService,
    AccountLifecycle,
    AccountPurgeHooks,
    AccountConnector,
    AccountIdentity,
    AccountsResolver,
    WebhookRegistrar,
    WebhookHealthCheck,
  ],
  exports: [
    AccountsStoreModule,
    AccountsService,
    AccountLifecycle,
    AccountPurgeHooks,
    AccountConnector,
    WebhookRegistrar,
    WebhookHealthCheck,
  ],
})
export class AccountsModule {}
