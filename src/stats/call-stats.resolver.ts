import { Args, Info, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { STATS_COMPLEXITY } from '../graphql/query-limits';
import { selectionTree } from '../graphql/selection';
import { AuthenticatedApiKey } from '../auth/authenticated-api-key';
import { CurrentApiKey } from '../auth/current-api-key.decorator';
import { parseCallFilter } from '../calls/call-filter.parser';
import { CallFilterInput } from '../calls/dto/call-filter.input';
import { Loaders } from '../graphql/graphql-context';
import { RequestLoaders } from '../graphql/request-loaders';
import { CallStatsService } from './call-stats.service';
import { CallStatsBucketModel } from './models/call-stats-bucket.model';
import { StatsGroupBy } from './models/stats-group-by';

@Resolver()
export class CallStatsResolver {
  constructor(private readonly stats: CallStatsService) {}

  @Query(() => [CallStatsBucketModel], {
    complexity: STATS_COMPLEXITY,
    description:
      'Counts and durations of the calls matching `filter`, per group (only groups with calls), computed by the database',
  })
  callStats(
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Loaders() loaders: RequestLoaders,
    @Info() info: GraphQLResolveInfo,
    @Args('groupBy', { type: () => StatsGroupBy }) groupBy: StatsGroupBy,
    @Args('filter', { type: () => CallFilterInput, nullable: true }) filter?: CallFilterInput | null,
    @Args('timeZone', {
      type: () => String,
      nullable: true,
      defaultValue: 'UTC',
      description: 'IANA time zone of DAY/WEEK buckets',
    })
    timeZone?: string | null,
  ): Promise<CallStatsBucketModel[]> {
    return this.stats.buckets(
      {
        filter: parseCallFilter(key, filter),
        groupBy,
        timeZone: timeZone ?? 'UTC',
        withOutcomes: selectionTree(info).has('outcomes'),
      },
      loaders,
    );
  }
}
