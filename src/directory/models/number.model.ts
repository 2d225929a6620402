import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

/** An Aircall phone number (line) of an account. */
@ObjectType('Number')
export class NumberModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'As Aircall formats it, e.g. "+33 1 76 36 00 00"' })
  digits!: string | null;

  @Field(() => String, { nullable: true })
  e164Digits!: string | null;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => String, { nullable: true })
  timeZone!: string | null;

  @Field(() => Boolean, { nullable: true })
  open!: boolean | null;

  @Field(() => String, { nullable: true })
  availabilityStatus!: string | null;

  @Field(() => Boolean, { nullable: true })
  isIvr!: boolean | null;

  @Field(() => Boolean, { nullable: true })
  liveRecordingActivated!: boolean | null;

  @Field(() => Int, { nullable: true })
  priority!: number | null;

  @Field(() => Date, { nullable: true, description: "Aircall's created_at" })
  createdAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deletedAt!: Date | null;
}
