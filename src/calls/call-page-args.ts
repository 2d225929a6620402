import { ArgsType, Field, Int } from '@nestjs/graphql';
import { CallOrder } from './call-order';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './call-query.service';
import { CallFilterInput } from './dto/call-filter.input';

/** The arguments of every calls connection (root `calls` and the nested `calls` of users, teams, tags, numbers). */
@ArgsType()
export class CallPageArgs {
  @Field(() => CallFilterInput, { nullable: true })
  filter?: CallFilterInput | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `Page size, at most ${MAX_PAGE_SIZE}`,
  })
  first?: number | null = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page' })
  after?: string | null;

  @Field(() => CallOrder, { nullable: true, defaultValue: CallOrder.STARTED_AT_DESC })
  orderBy?: CallOrder | null = CallOrder.STARTED_AT_DESC;
}
