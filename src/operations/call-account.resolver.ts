import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AccountsService } from '../accounts/accounts.service';
import { AccountModel } from '../accounts/models/account.model';
import { CallModel } from '../calls/models/call.model';
import { Loaders } from '../graphql/graphql-context';
import { RequestLoaders } from '../graphql/request-loaders';

/**
 * `Call.account`. Accounts are few (one per connected Aircall company), so one list per request
 * answers every call of the page; the call itself was already scoped to the key's accounts.
 */
@Resolver(() => CallModel)
export class CallAccountResolver {
  constructor(private readonly accounts: AccountsService) {}

  @ResolveField(() => AccountModel, {
    nullable: true,
    description: 'The connected account; null once it was purged',
  })
  account(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<AccountModel | null> {
    const loader = loaders.get('operations.accounts', async (ids: readonly string[]) => {
      const byId = new Map(
        (await this.accounts.list()).map((account) => [account.id, AccountModel.from(account)]),
      );
      return ids.map((id) => byId.get(id) ?? null);
    });
    return loader.load(call.accountId) as Promise<AccountModel | null>;
  }
}
