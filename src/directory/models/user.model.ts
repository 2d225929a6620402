import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

/** An Aircall user (agent) of an account, as last seen in Aircall's data. */
@ObjectType('User')
export class UserModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => Boolean, { nullable: true })
  available!: boolean | null;

  @Field(() => String, { nullable: true })
  availabilityStatus!: string | null;

  @Field(() => String, { nullable: true })
  substatus!: string | null;

  @Field(() => String, { nullable: true })
  timeZone!: string | null;

  @Field(() => String, { nullable: true })
  language!: string | null;

  @Field(() => Int, { nullable: true })
  wrapUpTime!: number | null;

  @Field(() => Date, { nullable: true, description: "Aircall's created_at" })
  createdAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When Aircall reported the user deleted' })
  deletedAt!: Date | null;
}
