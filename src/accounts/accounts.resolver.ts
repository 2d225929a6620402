import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { RequireRole } from '../auth/require-role.decorator';
import { Role } from '../auth/role';
import { WebhookRegistrar } from './webhook-registrar';
import { AccountConnector } from './account-connector';
import { AccountModel } from './models/account.model';

/** Admin mutations on accounts. (The `accounts` query lives with the other read operations.) */
@Resolver(() => AccountModel)
@RequireRole(Role.ADMIN)
export class AccountsResolver {
  constructor(
    private readonly connector: AccountConnector,
    private readonly registrar: WebhookRegistrar,
  ) {}

  @Mutation(() => AccountModel, {
    description:
      "Connects a customer's own Aircall account with an API key pair (checked against Aircall first), registers its webhook and starts its backfill",
  })
  async connectAccount(
    @Args('apiId', { type: () => String }) apiId: string,
    @Args('apiToken', { type: () => String }) apiToken: string,
  ): Promise<AccountModel> {
    return AccountModel.from((await this.connector.connectBasic(apiId, apiToken)).account);
  }

  @Mutation(() => AccountModel, {
    description:
      'Unregisters the webhook and forgets the credentials; the synced data stays unless purge is true',
  })
  async disconnectAccount(
    @Args('id', { type: () => ID }) id: string,
    @Args('purge', { type: () => Boolean, nullable: true, defaultValue: false }) purge: boolean | null,
  ): Promise<AccountModel> {
    return AccountModel.from(await this.connector.disconnect(id, purge === true));
  }

  @Mutation(() => AccountModel, {
    description: "Registers (or repairs) the account's webhook at Aircall; idempotent",
  })
  async registerWebhook(@Args('accountId', { type: () => ID }) accountId: string): Promise<AccountModel> {
    return AccountModel.from(await this.registrar.register(accountId));
  }

  @Mutation(() => AccountModel, { description: "Deletes the account's webhook at Aircall" })
  async unregisterWebhook(@Args('accountId', { type: () => ID }) accountId: string): Promise<AccountModel> {
    return AccountModel.from(await this.registrar.unregister(accountId));
  }
}
