import { Module } from '@nestjs/common';
import { DirectoryUpserter } from './directory-upserter';

/** Users, numbers, teams, tags and contacts of each account. */
@Module({
  providers: [DirectoryUpserter],
  exports: [DirectoryUpserter],
})
export class DirectoryModule {}
