import { Field, ID, ObjectType } from '@nestjs/graphql';
import { UserModel } from '../../directory/models/user.model';

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

  @Field(() => UserModel, {
    nullable: true,
    description: 'The author; null for comments posted through the API',
  })
  postedBy?: UserModel | null;

  postedById!: string | null;
}
