import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CallAccountResolver } from './call-account.resolver';
import { OperationsQueryRepository } from './operations-query.repository';
import { OperationsResolver } from './operations.resolver';
import { AccountReaderView, SyncRunReaderView, WebhookEventReaderView } from './reader-views.resolver';

/** GraphQL views of how the service runs: accounts, sync runs, the webhook inbox (and its replay), Call.account. */
@Module({
  imports: [AccountsModule],
  providers: [
    OperationsQueryRepository,
    OperationsResolver,
    CallAccountResolver,
    AccountReaderView,
    WebhookEventReaderView,
    SyncRunReaderView,
  ],
})
export class OperationsModule {}
