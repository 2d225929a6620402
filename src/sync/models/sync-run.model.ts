import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { progressView, ProgressView } from '../sync-progress';
import { SyncRun } from '../sync-run';

/** How far a run is: calls listed from its windows against what Aircall says they hold. */
@ObjectType('SyncProgress')
export class SyncProgressModel implements ProgressView {
  @Field(() => Int, { description: "Calls of the run's windows stored so far, each counted once" })
  done!: number;

  @Field(() => Int, {
    nullable: true,
    description: "Calls the run's windows hold (Aircall's meta.total); null until the first page is read",
  })
  expected!: number | null;

  @Field(() => Float, { nullable: true, description: '0–100; null while `expected` is unknown' })
  percent!: number | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "When the run should end, at the slower of the company's rate budget and the pace so far; null once finished",
  })
  estimatedFinishAt!: Date | null;
}

/** One run of the batch sync of an account (sync_runs). The type `triggerSync` returns as well. */
@ObjectType('SyncRun')
export class SyncRunModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { description: 'backfill | incremental | manual | repair' })
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

  @Field(() => Int, { description: 'Calls read from Aircall (window pages and re-reads), each counted once' })
  callsFetched!: number;

  @Field(() => Int, { description: 'Calls whose stored row changed' })
  callsWritten!: number;

  @Field(() => Int, { nullable: true, description: "Calls the run's windows hold (Aircall's meta.total)" })
  callsExpected!: number | null;

  @Field(() => SyncProgressModel)
  progress!: SyncProgressModel;

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

/** The GraphQL view of a run. */
export function syncRunModel(
  run: Omit<SyncRun, 'checkpoint' | 'kind' | 'status'> & { kind: string; status: string },
): SyncRunModel {
  const progress = progressView({ ...run, status: run.status as SyncRun['status'] });
  return Object.assign(new SyncRunModel(), {
    id: run.id,
    accountId: run.accountId,
    kind: run.kind,
    status: run.status,
    windowFrom: run.windowFrom,
    windowTo: run.windowTo,
    requestsMade: run.requestsMade,
    callsFetched: run.callsFetched,
    callsWritten: run.callsWritten,
    callsExpected: progress.expected,
    progress: Object.assign(new SyncProgressModel(), progress),
    error: run.error,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    heartbeatAt: run.heartbeatAt,
    createdAt: run.createdAt,
  });
}
