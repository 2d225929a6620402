import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CallsModule } from '../calls/calls.module';
import { DirectoryModule } from '../directory/directory.module';
import { InboxProcessor } from './inbox-processor';
import { InboxRetention } from './inbox-retention';
import { InboxThread } from './inbox-thread';
import { WebhookEventApplier } from './webhook-event-applier';
import { WebhookInbox } from './webhook-inbox';
import { WebhookReceiver } from './webhook-receiver';

/**
 * Real-time sync: POST /aircall/webhook → inbox (durable) → processor → calls/directory upserts.
 */
@Module({
  imports: [AccountsModule, CallsModule, DirectoryModule],
  providers: [
    WebhookReceiver,
    WebhookInbox,
    WebhookEventApplier,
    InboxProcessor,
    InboxThread,
    InboxRetention,
  ],
  exports: [WebhookReceiver, WebhookInbox, InboxProcessor, InboxThread],
})
export class WebhooksModule {}
