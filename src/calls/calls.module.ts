import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { CallUpserter } from './call-upserter';

/** Calls: the one write path (CallUpserter) shared by webhooks and the batch sync, and the read side. */
@Module({
  imports: [DirectoryModule],
  providers: [CallUpserter],
  exports: [CallUpserter],
})
export class CallsModule {}
