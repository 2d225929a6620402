import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';

/** Inbound calls of a group by outcome (Call.outcome), as Aircall Analytics counts its call types. */
@ObjectType('CallOutcomeCounts')
export class CallOutcomeCountsModel {
  @Field(() => Int)
  answered!: number;

  @Field(() => Int)
  missed!: number;

  @Field(() => Int)
  abandoned!: number;

  @Field(() => Int)
  outOfHours!: number;

  @Field(() => Int)
  voicemail!: number;
}

/** Figures of one group of calls. Durations in seconds. */
@ObjectType('CallStatsBucket')
export class CallStatsBucketModel {
  @Field(() => String, {
    description:
      'DAY/WEEK: the local date (YYYY-MM-DD) the bucket starts on; otherwise the user/team/number/tag id, or "none"',
  })
  key!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A readable name: the date, or the user/team/number/tag name',
  })
  label!: string | null;

  @Field(() => ID, { nullable: true, description: 'For USER/TEAM/NUMBER/TAG: the account of the entity' })
  accountId!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'DAY/WEEK: the instant the bucket starts (local midnight)',
  })
  start!: Date | null;

  @Field(() => Date, { nullable: true, description: 'DAY/WEEK: the instant the next bucket starts' })
  end!: Date | null;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  inbound!: number;

  @Field(() => Int)
  outbound!: number;

  @Field(() => Int, { description: 'Calls someone answered' })
  answered!: number;

  @Field(() => Int)
  missed!: number;

  @Field(() => Float, { description: 'missed / inbound (0 without inbound calls)' })
  missedRate!: number;

  @Field(() => Float, { nullable: true, description: 'Over answered calls that ended' })
  avgInCallDuration!: number | null;

  @Field(() => Int, { nullable: true, description: '90th percentile (nearest rank) of inCallDuration' })
  p90InCallDuration!: number | null;

  @Field(() => Float, { nullable: true, description: 'Over answered calls' })
  avgWaitingDuration!: number | null;

  @Field(() => CallOutcomeCountsModel, {
    description: 'Inbound calls by outcome (answered, missed, abandoned, out of hours, voicemail)',
  })
  outcomes!: CallOutcomeCountsModel;
}
