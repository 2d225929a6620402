import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('Tag')
export class TagModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  color!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Date, { nullable: true })
  deletedAt!: Date | null;
}
