import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

/** One run of the batch sync of an account (sync_runs). The type `triggerSync` returns as well. */
@ObjectType('SyncRun')
export class SyncRunModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { description: 'backfill | incremental | manual | repair | reference' })
  kind!: string;

  @Field(() => String, { description: 'queued | running | succeeded | failed' })
  status!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'Start of the time window synced (calls started at or after)',
  })
  windowFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of the time window synced' })
  windowTo!: Date | null;

  @Field(() => Int, { description: 'Requests made to Aircall' })
  requestsMade!: number;

  @Field(() => Int)
  callsFetched!: number;

  @Field(() => Int)
  callsWritten!: number;

  @Field(() => String, {
    nullable: true,
    description:
      "Why the run failed, with Aircall's explanation (a database error is named, not detailed, to READER keys)",
  })
  error!: string | null;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last sign of life of the instance running it' })
  heartbeatAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;
}
