import { Module } from '@nestjs/common';
import { DirectoryUpserter } from './directory-upserter';

/** The directory's write side alone (DirectoryUpserter), for whatever applies Aircall's data. */
@Module({ providers: [DirectoryUpserter], exports: [DirectoryUpserter] })
export class DirectoryStoreModule {}
