import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { RequireRole } from '../auth/require-role.decorator';
import { Role } from '../auth/role';
import { SyncRunModel } from './models/sync-run.model';
import { SyncRun } from './sync-run';
import { SyncService } from './sync.service';

/** Admin mutation starting a sync; runs are listed by the `syncRuns` query (operations). */
@Resolver(() => SyncRunModel)
@RequireRole(Role.ADMIN)
export class SyncResolver {
  constructor(private readonly sync: SyncService) {}

  @Mutation(() => SyncRunModel, {
    description:
      'Starts a sync of the account over [from, to] in the background (defaults: from its sync cursor, or BACKFILL_DAYS ago; to now) and returns the queued run',
  })
  async triggerSync(
    @Args('accountId', { type: () => ID }) accountId: string,
    @Args('from', { type: () => Date, nullable: true }) from: Date | null,
    @Args('to', { type: () => Date, nullable: true }) to: Date | null,
  ): Promise<SyncRunModel> {
    return toModel(await this.sync.trigger(accountId, 'manual', { from, to }));
  }
}

function toModel(run: SyncRun): SyncRunModel {
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
    error: run.error,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    heartbeatAt: run.heartbeatAt,
    createdAt: run.createdAt,
  });
}
