import { Module } from '@nestjs/common';
import { DirectoryStoreModule } from '../directory/directory-store.module';
import { CallMediaTracker } from './call-media-tracker';
import { CallUpserter } from './call-upserter';

/** The calls' one write path alone (CallUpserter, with the media it tracks), shared by webhooks and the batch sync. */
@Module({
  imports: [DirectoryStoreModule],
  providers: [CallUpserter, CallMediaTracker],
  exports: [CallUpserter, CallMediaTracker],
})
export class CallStoreModule {}
