import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AccountsService } from '../accounts/accounts.service';
import { AccountModel } from '../accounts/models/account.model';
import { accountScope } from '../auth/account-access';
import { AuthenticatedApiKey } from '../auth/authenticated-api-key';
import { CurrentApiKey } from '../auth/current-api-key.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { Role } from '../auth/role';
import { invalidInput } from '../errors/domain-errors';
import { SyncRunModel } from '../sync/models/sync-run.model';
import { WebhookEventModel } from './models/webhook-event.model';
import { WebhookEventStatus } from './models/webhook-event-status';
import { OperationsQueryRepository } from './operations-query.repository';

const MAX_LIST = 500;

function listSize(value: number | null | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIST)
    throw invalidInput('first', `must be between 1 and ${MAX_LIST}`);
  return n;
}

/** How the service is doing: connected accounts, sync runs and the webhook inbox; replaying inbox rows. */
@Resolver()
export class OperationsResolver {
  constructor(
    private readonly operations: OperationsQueryRepository,
    private readonly accountsService: AccountsService,
  ) {}

  @Query(() => [AccountModel], {
    description: 'Connected Aircall accounts (admin only); never their credentials',
  })
  @RequireRole(Role.ADMIN)
  async accounts(): Promise<AccountModel[]> {
    return (await this.accountsService.list()).map(AccountModel.from);
  }

  @Query(() => [SyncRunModel], { description: 'Batch sync runs, newest first' })
  syncRuns(
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args('accountId', { type: () => ID, nullable: true }) accountId?: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50, description: `At most ${MAX_LIST}` })
    first?: number | null,
  ): Promise<SyncRunModel[]> {
    return this.operations.syncRuns(accountScope(key, accountId), listSize(first, 50));
  }

  @Query(() => [WebhookEventModel], { description: 'Stored webhook deliveries (the inbox), newest first' })
  webhookEvents(
    @CurrentApiKey() key: AuthenticatedApiKey,
    @Args('accountId', { type: () => ID, nullable: true }) accountId?: string | null,
    @Args('status', { type: () => WebhookEventStatus, nullable: true }) status?: WebhookEventStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50, description: `At most ${MAX_LIST}` })
    first?: number | null,
  ): Promise<WebhookEventModel[]> {
    return this.operations.webhookEvents(accountScope(key, accountId), status ?? null, listSize(first, 50));
  }

  @Mutation(() => Int, {
    description:
      'Puts inbox events back in the queue, due now: those with these ids and/or in this status. Returns how many.',
  })
  replayWebhookEvents(
    @Args('ids', { type: () => [ID], nullable: true }) ids?: string[] | null,
    @Args('status', { type: () => WebhookEventStatus, nullable: true }) status?: WebhookEventStatus | null,
  ): Promise<number> {
    if ((!ids || ids.length === 0) && !status)
      throw invalidInput('ids', 'give ids and/or a status to select the events to replay');
    if (ids && ids.length > 1000) throw invalidInput('ids', 'at most 1000 ids per call');
    return this.operations.replay({ ids: ids && ids.length > 0 ? ids : null, status: status ?? null });
  }
}
