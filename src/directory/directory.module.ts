import { DirectoryStoreModule } from './directory-store.module';
import { Module } from '@nestjs/common';
import { DirectoryLoaders } from './directory-loaders';
import { DirectoryQueryRepository } from './directory-query.repository';
import { DirectoryResolver } from './directory.resolver';
import { TeamFieldResolver } from './team-field.resolver';

/** Users, numbers, teams, tags and contacts of each account. */
@Module({
  imports: [DirectoryStoreModule],
  providers: [
    // Read side (GraphQL): lists, per-request loaders, resolvers.
    DirectoryQueryRepository,
    DirectoryLoaders,
    DirectoryResolver,
    TeamFieldResolver,
  ],
  exports: [DirectoryStoreModule, DirectoryLoaders],
})
export class DirectoryModule {}
