import { Field, ID, InputType } from '@nestjs/graphql';
import { CallDirection } from '../models/call-direction';
import { CallOutcome } from '../models/call-outcome';

/** Filters of `calls` and `callStats`; all given ones must hold (AND). */
@InputType('CallFilter')
export class CallFilterInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Only this account (default: every account the API key may read)',
  })
  accountId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Calls started at or after this instant' })
  startedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Calls started strictly before this instant' })
  startedBefore?: Date | null;

  @Field(() => CallDirection, { nullable: true })
  direction?: CallDirection | null;

  @Field(() => String, {
    nullable: true,
    description: "Aircall's status: initial, answered or done (any case)",
  })
  status?: string | null;

  @Field(() => Boolean, { nullable: true })
  missed?: boolean | null;

  @Field(() => CallOutcome, {
    nullable: true,
    description: "Inbound calls that ended so, in Aircall Analytics' call types",
  })
  outcome?: CallOutcome | null;

  @Field(() => ID, { nullable: true, description: 'The user who took or made the call' })
  userId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A team the call rang' })
  teamId?: string | null;

  @Field(() => ID, { nullable: true })
  tagId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The Aircall number (line) of the call' })
  numberId?: string | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The other party\'s number in any international format: "+33 1 23 45 67 89", "0033123456789" and "+33123456789" match the same calls',
  })
  phone?: string | null;

  @Field(() => Boolean, { nullable: true })
  hasRecording?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  hasVoicemail?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  archived?: boolean | null;
}
