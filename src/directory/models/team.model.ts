import { Field, ID, ObjectType } from '@nestjs/graphql';

/** An Aircall team; `members` and `calls` are resolved on demand. */
@ObjectType('Team')
export class TeamModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => Date, { nullable: true, description: "Aircall's created_at" })
  createdAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deletedAt!: Date | null;
}
