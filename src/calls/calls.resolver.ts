import { Args, ID, Info, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { accountScope } from '../auth/account-access';
import { AuthenticatedApiKey } from '../auth/authenticated-api-key';
import { CurrentApiKey } from '../auth/current-api-key.decorator';
import { Loaders } from '../graphql/graphql-context';
import { connectionComplexity } from '../graphql/query-limits';
import { RequestLoaders } from '../graphql/request-loaders';
import { selectionTree } from '../graphql/selection';
import { parseCallFilter } from './call-filter.parser';
import { CallPageArgs } from './call-page-args';
import { connectionRelations } from './call-relations';
import { CallQueryService, DEFAULT_PAGE_SIZE } from './call-query.service';
import { CallConnectionModel } from './models/call-connection.model';
import { CallModel } from './models/call.model';

@Resolver(() => CallModel)
export class CallsResolver {
  constructor(private readonly callQueries: CallQueryService) {}

  @Query(() => CallConnectionModel, {
    description: 'Calls matching `filter`, newest first by default, as a Relay connection (keyset cursors)',
    complexity: connectionComplexity(DEFAULT_PAGE_SIZE),
  })
  calls(
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args() args: CallPageArgs,
    @Info() info: GraphQLResolveInfo,
    @Loaders() loaders: RequestLoaders,
  ): Promise<CallConnectionModel> {
    return this.callQueries.connection(
      {
        filter: parseCallFilter(key, args.filter),
        first: args.first,
        after: args.after,
        orderBy: args.orderBy,
      },
      connectionRelations(info, loaders),
    );
  }

  @Query(() => CallModel, {
    nullable: true,
    description: 'One call by its Aircall id; null when it is not stored or not visible to the key',
  })
  call(
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args('id', { type: () => ID }) id: string,
    @Args('accountId', {
      type: () => ID,
      nullable: true,
      description: 'Needed only when the id exists in several accounts',
    })
    accountId: string | null | undefined,
    @Info() info: GraphQLResolveInfo,
    @Loaders() loaders: RequestLoaders,
  ): Promise<CallModel | null> {
    return this.callQueries.call(id, accountScope(key, accountId), { node: selectionTree(info), loaders });
  }
}
