import { Module } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository';

/** The accounts table alone (AccountsRepository), for the inbox processor's thread. */
@Module({ providers: [AccountsRepository], exports: [AccountsRepository] })
export class AccountsStoreModule {}
