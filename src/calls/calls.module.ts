import { CallStoreModule } from './call-store.module';
import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { CallConnectionResolver } from './call-connection.resolver';
import { CallLoaders } from './call-loaders';
import { CallQueryRepository } from './call-query.repository';
import { CallQueryService } from './call-query.service';
import { CallRelations } from './call-relations';
import { CallsResolver } from './calls.resolver';
import {
  NumberCallsResolver,
  TagCallsResolver,
  TeamCallsResolver,
  UserCallsResolver,
} from './directory-calls.resolvers';

/** Calls: the one write path (CallUpserter) shared by webhooks and the batch sync, and the read side. */
@Module({
  imports: [DirectoryModule, CallStoreModule],
  providers: [
    // Read side (GraphQL): queries, DataLoaders, resolvers.
    CallQueryRepository,
    CallQueryService,
    CallLoaders,
    CallRelations,
    CallsResolver,
    CallConnectionResolver,
    UserCallsResolver,
    TeamCallsResolver,
    TagCallsResolver,
    NumberCallsResolver,
  ],
  exports: [CallStoreModule, CallQueryService],
})
export class CallsModule {}
