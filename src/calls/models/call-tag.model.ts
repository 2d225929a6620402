import { Field, ID, ObjectType } from '@nestjs/graphql';
import { UserModel } from '../../directory/models/user.model';

/** A tag on a call: the tag itself plus who tagged the call and when (when Aircall says). */
@ObjectType('CallTag')
export class CallTagModel {
  @Field(() => ID, { description: "The tag's id" })
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
  taggedAt!: Date | null;

  @Field(() => UserModel, { nullable: true, description: 'Who tagged the call, when Aircall says' })
  taggedBy?: UserModel | null;

  taggedById!: string | null;
}
