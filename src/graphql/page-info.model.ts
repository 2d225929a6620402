import { Field, ObjectType } from '@nestjs/graphql';

/** Relay's PageInfo (https://relay.dev/graphql/connections.htm#sec-undefined.PageInfo). */
@ObjectType('PageInfo')
export class PageInfoModel {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when this page was asked for `after` a cursor' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}
