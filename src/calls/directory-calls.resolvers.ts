import { Args, Info, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { AuthenticatedApiKey } from '../auth/authenticated-api-key';
import { CurrentApiKey } from '../auth/current-api-key.decorator';
import { NumberModel } from '../directory/models/number.model';
import { TagModel } from '../directory/models/tag.model';
import { TeamModel } from '../directory/models/team.model';
import { UserModel } from '../directory/models/user.model';
import { Loaders } from '../graphql/graphql-context';
import { connectionComplexity } from '../graphql/query-limits';
import { RequestLoaders } from '../graphql/request-loaders';
import { CallFilter } from './call-filter';
import { parseCallFilter } from './call-filter.parser';
import { CallPageArgs } from './call-page-args';
import { connectionRelations } from './call-relations';
import { CallQueryService, DEFAULT_PAGE_SIZE } from './call-query.service';
import { CallConnectionModel } from './models/call-connection.model';

type Narrowing = Pick<CallFilter, 'userId' | 'teamId' | 'tagId' | 'numberId'>;

/**
 * The calls of one directory entry: the client's filter, narrowed to the entry and to the entry's
 * account (which the key could already see, since it was given the entry).
 */
function callsOf(
  service: CallQueryService,
  key: AuthenticatedApiKey,
  accountId: string,
  narrowing: Narrowing,
  args: CallPageArgs,
  info: GraphQLResolveInfo,
  loaders: RequestLoaders,
): Promise<CallConnectionModel> {
  const filter = parseCallFilter(key, args.filter);
  const inScope = filter.accountIds === null || filter.accountIds.includes(accountId);
  return service.connection(
    {
      filter: { ...filter, ...narrowing, accountIds: inScope ? [accountId] : [] },
      first: args.first,
      after: args.after,
      orderBy: args.orderBy,
    },
    connectionRelations(info, loaders),
  );
}

const options = { complexity: connectionComplexity(DEFAULT_PAGE_SIZE) };

@Resolver(() => UserModel)
export class UserCallsResolver {
  constructor(private readonly callQueries: CallQueryService) {}

  @ResolveField(() => CallConnectionModel, { ...options, description: 'Calls the user took or made' })
  calls(
    @Parent() user: UserModel,
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args() args: CallPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Loaders() loaders: RequestLoaders,
  ): Promise<CallConnectionModel> {
    return callsOf(this.callQueries, key, user.accountId, { userId: user.id }, args, info, loaders);
  }
}

@Resolver(() => TeamModel)
export class TeamCallsResolver {
  constructor(private readonly callQueries: CallQueryService) {}

  @ResolveField(() => CallConnectionModel, { ...options, description: 'Calls that rang the team' })
  calls(
    @Parent() team: TeamModel,
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args() args: CallPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Loaders() loaders: RequestLoaders,
  ): Promise<CallConnectionModel> {
    return callsOf(this.callQueries, key, team.accountId, { teamId: team.id }, args, info, loaders);
  }
}

@Resolver(() => TagModel)
export class TagCallsResolver {
  constructor(private readonly callQueries: CallQueryService) {}

  @ResolveField(() => CallConnectionModel, { ...options, description: 'Calls carrying the tag' })
  calls(
    @Parent() tag: TagModel,
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args() args: CallPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Loaders() loaders: RequestLoaders,
  ): Promise<CallConnectionModel> {
    return callsOf(this.callQueries, key, tag.accountId, { tagId: tag.id }, args, info, loaders);
  }
}

@Resolver(() => NumberModel)
export class NumberCallsResolver {
  constructor(private readonly callQueries: CallQueryService) {}

  @ResolveField(() => CallConnectionModel, { ...options, description: 'Calls through the number' })
  calls(
    @Parent() number: NumberModel,
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args() args: CallPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Loaders() loaders: RequestLoaders,
  ): Promise<CallConnectionModel> {
    return callsOf(this.callQueries, key, number.accountId, { numberId: number.id }, args, info, loaders);
  }
}
