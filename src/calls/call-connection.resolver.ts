import { Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CallQueryService } from './call-query.service';
import { CallConnectionModel } from './models/call-connection.model';

/** totalCount is a COUNT(*) over the whole filter: run only when a client selects it. */
@Resolver(() => CallConnectionModel)
export class CallConnectionResolver {
  constructor(private readonly calls: CallQueryService) {}

  @ResolveField(() => Int)
  totalCount(@Parent() connection: CallConnectionModel): Promise<number> {
    return this.calls.count(connection.filter);
  }
}
