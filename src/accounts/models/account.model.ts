import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Account } from '../account';

export enum AccountAuthTypeValue {
  OAUTH = 'oauth',
  BASIC = 'basic',
}
export enum AccountStatusValue {
  ACTIVE = 'active',
  NEEDS_REAUTH = 'needs_reauth',
  UNINSTALLED = 'uninstalled',
  DISCONNECTED = 'disconnected',
}
registerEnumType(AccountAuthTypeValue, {
  name: 'AccountAuthType',
  description: 'How the service authenticates to Aircall',
});
registerEnumType(AccountStatusValue, {
  name: 'AccountStatus',
  description:
    'ACTIVE: synced; NEEDS_REAUTH: Aircall rejected the credentials; UNINSTALLED: the Aircall app was uninstalled (a new install resumes it); DISCONNECTED: credentials forgotten',
});

/**
 * A connected Aircall company, as GraphQL shows it. The one Account type of the schema: the `accounts`
 * query and the account mutations both return it. It never carries credentials or webhook token hashes.
 */
@ObjectType('Account')
export class AccountModel {
  @Field(() => ID, { description: "This service's id of the account (calls and keys refer to it)" })
  id!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      "Aircall's company id, once an OAuth install named it (API keys never do: Aircall's /v1/company has no id)",
  })
  aircallCompanyId!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => AccountAuthTypeValue)
  authType!: AccountAuthTypeValue;

  @Field(() => AccountStatusValue)
  status!: AccountStatusValue;

  @Field(() => String, { nullable: true, description: 'Why the account is not ACTIVE' })
  statusReason!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Aircall's id of the webhook delivering this account's events (null for READER keys)",
  })
  webhookId!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether Aircall reported the webhook active at the last check',
  })
  webhookActive!: boolean | null;

  @Field(() => Date, { nullable: true })
  webhookCheckedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Calls started up to here are synced' })
  syncCursor!: Date | null;

  @Field(() => Date, { nullable: true })
  lastSyncedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  disconnectedAt!: Date | null;

  @Field(() => Boolean, {
    description:
      'Whether its recordings and voicemails are archived (when the service runs with RECORDINGS=archive)',
  })
  archiveRecordings!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  static from(account: Account): AccountModel {
    return Object.assign(new AccountModel(), {
      id: account.id,
      aircallCompanyId: account.aircallCompanyId,
      name: account.name,
      authType: account.authType as AccountAuthTypeValue,
      status: account.status as AccountStatusValue,
      statusReason: account.statusReason,
      webhookId: account.webhookId,
      webhookActive: account.webhookActive,
      webhookCheckedAt: account.webhookCheckedAt,
      syncCursor: account.syncCursor,
      lastSyncedAt: account.lastSyncedAt,
      disconnectedAt: account.disconnectedAt,
      archiveRecordings: account.archiveRecordings,
      createdAt: account.createdAt,
      updatedAt: account.updatedAt,
    });
  }
}
