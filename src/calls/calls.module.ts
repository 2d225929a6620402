import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { CallCommentFieldResolver, CallTagFieldResolver } from './call-child-field.resolvers';
import { CallConnectionResolver } from './call-connection.resolver';
import { CallFieldResolver } from './call-field.resolver';
import { CallLoaders } from './call-loaders';
import { CallQueryRepository } from './call-query.repository';
import { CallQueryService } from './call-query.service';
import { CallUpserter } from './call-upserter';
import { CallsResolver } from './calls.resolver';
import {
  NumberCallsResolver,
  TagCallsResolver,
  TeamCallsResolver,
  UserCallsResolver,
} from './directory-calls.resolvers';

/** Calls: the one write path (CallUpserter) shared by webhooks and the batch sync, and the read side. */
@Module({
  imports: [DirectoryModule],
  providers: [
    CallUpserter,
    // Read side (GraphQL): queries, DataLoaders, resolvers.
    CallQueryRepository,
    CallQueryService,
    CallLoaders,
    CallsResolver,
    CallConnectionResolver,
    CallFieldResolver,
    CallTagFieldResolver,
    CallCommentFieldResolver,
    UserCallsResolver,
    TeamCallsResolver,
    TagCallsResolver,
    NumberCallsResolver,
  ],
  exports: [CallUpserter, CallQueryService],
})
export class CallsModule {}
