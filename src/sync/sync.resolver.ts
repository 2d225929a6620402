import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { RequireRole } from '../auth/require-role.decorator';
import { Role } from '../auth/role';
import { SyncRunModel, syncRunModel } from './models/sync-run.model';
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
    return syncRunModel(await this.sync.trigger(accountId, 'manual', { from, to }));
  }
}
