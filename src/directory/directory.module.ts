import { Module } from '@nestjs/common';
import { DirectoryLoaders } from './directory-loaders';
import { DirectoryQueryRepository } from './directory-query.repository';
import { DirectoryResolver } from './directory.resolver';
import { DirectoryUpserter } from './directory-upserter';
import { TeamFieldResolver } from './team-field.resolver';

/** Users, numbers, teams, tags and contacts of each account. */
@Module({
  providers: [
    DirectoryUpserter,
    // Read side (GraphQL): lists, per-request loaders, resolvers.
    DirectoryQueryRepository,
    DirectoryLoaders,
    DirectoryResolver,
    TeamFieldResolver,
  ],
  exports: [DirectoryUpserter, DirectoryLoaders],
})
export class DirectoryModule {}
