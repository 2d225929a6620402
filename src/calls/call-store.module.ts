import { Module } from '@nestjs/common';
import { DirectoryStoreModule } from '../directory/directory-store.module';
import { CallUpserter } from './call-upserter';

/** The calls' one write path alone (CallUpserter), shared by webhooks and the batch sync. */
@Module({ imports: [DirectoryStoreModule], providers: [CallUpserter], exports: [CallUpserter] })
export class CallStoreModule {}
