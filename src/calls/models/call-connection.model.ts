import { Field, Int, ObjectType } from '@nestjs/graphql';
import { PageInfoModel } from '../../graphql/page-info.model';
import { CallFilter } from '../call-filter';
import { CallModel } from './call.model';

@ObjectType('CallEdge')
export class CallEdgeModel {
  @Field(() => String, { description: 'Opaque; pass it as `after` to continue from this call' })
  cursor!: string;

  @Field(() => CallModel)
  node!: CallModel;
}

/** A Relay connection of calls (https://relay.dev/graphql/connections.htm). */
@ObjectType('CallConnection')
export class CallConnectionModel {
  @Field(() => [CallEdgeModel])
  edges!: CallEdgeModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;

  /** Counted only when asked for (see CallConnectionResolver.totalCount). */
  @Field(() => Int, { description: 'Calls matching the filter, all pages together' })
  totalCount!: number;

  /** The scoped filter of this connection, kept for totalCount. */
  filter!: CallFilter;
}
