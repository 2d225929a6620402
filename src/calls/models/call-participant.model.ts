import { Field, ID, ObjectType } from '@nestjs/graphql';

/** Someone on the call: Aircall's `participants` (webhooks) or `conference_participants` (API). */
@ObjectType('CallParticipant')
export class CallParticipantModel {
  @Field(() => String, { nullable: true, description: 'user, contact or external' })
  type!: string | null;

  @Field(() => ID, { nullable: true, description: "The user's or contact's id, when Aircall gives one" })
  id!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  phoneNumber!: string | null;
}
