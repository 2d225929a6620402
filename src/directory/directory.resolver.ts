import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { accountScope } from '../auth/account-access';
import { AuthenticatedApiKey } from '../auth/authenticated-api-key';
import { CurrentApiKey } from '../auth/current-api-key.decorator';
import { listComplexity } from '../graphql/query-limits';
import { DirectoryQueryRepository } from './directory-query.repository';
import { NumberModel } from './models/number.model';
import { TagModel } from './models/tag.model';
import { TeamModel } from './models/team.model';
import { UserModel } from './models/user.model';

const accountIdArg = {
  type: () => ID,
  nullable: true,
  description: 'Only this account (default: every account the key may read)',
};
const includeDeletedArg = {
  type: () => Boolean,
  defaultValue: false,
  description: 'Also list entries Aircall reported deleted',
};

/** The directory lists, each scoped to the accounts the API key may read. */
@Resolver()
export class DirectoryResolver {
  constructor(private readonly directory: DirectoryQueryRepository) {}

  @Query(() => [UserModel], { complexity: listComplexity })
  users(
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args('accountId', accountIdArg) accountId?: string | null,
    @Args('includeDeleted', includeDeletedArg) includeDeleted = false,
  ): Promise<UserModel[]> {
    return this.directory.listUsers({ accountIds: accountScope(key, accountId), includeDeleted });
  }

  @Query(() => [TeamModel], { complexity: listComplexity })
  teams(
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args('accountId', accountIdArg) accountId?: string | null,
    @Args('includeDeleted', includeDeletedArg) includeDeleted = false,
  ): Promise<TeamModel[]> {
    return this.directory.listTeams({ accountIds: accountScope(key, accountId), includeDeleted });
  }

  @Query(() => [TagModel], { complexity: listComplexity })
  tags(
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args('accountId', accountIdArg) accountId?: string | null,
    @Args('includeDeleted', includeDeletedArg) includeDeleted = false,
  ): Promise<TagModel[]> {
    return this.directory.listTags({ accountIds: accountScope(key, accountId), includeDeleted });
  }

  @Query(() => [NumberModel], { complexity: listComplexity })
  numbers(
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args('accountId', accountIdArg) accountId?: string | null,
    @Args('includeDeleted', includeDeletedArg) includeDeleted = false,
  ): Promise<NumberModel[]> {
    return this.directory.listNumbers({ accountIds: accountScope(key, accountId), includeDeleted });
  }
}
