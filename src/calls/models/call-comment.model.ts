import { Field, ID, ObjectType } from '@nestjs/graphql';

/** A note on a call (Aircall's `comments`); `postedBy` is null when it was posted through the API. */
@ObjectType('CallComment')
export class CallCommentModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { nullable: true })
  content!: string | null;

  @Field(() => Date, { nullable: true })
  postedAt!: Date | null;

  postedById!: string | null;
}
