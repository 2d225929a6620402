import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AccountModel } from '../accounts/models/account.model';
import { AuthenticatedApiKey } from '../auth/authenticated-api-key';
import { CurrentApiKey } from '../auth/current-api-key.decorator';
import { Role } from '../auth/role';
import { SyncRunModel } from '../sync/models/sync-run.model';
import { WebhookEventModel } from './models/webhook-event.model';

/** An error text naming the database's internals (its statement, table or column names, driver codes). */
const DATABASE_DETAIL =
  /QueryFailedError|database error|\bER_[A-Z_]+\b|\bSQLITE_[A-Z_]+\b|\bsql\b|Duplicate entry|for column|constraint failed/i;

/** What a READER sees of an error text: as is, unless it carries the database's internals. */
export function readerSafeError(text: string | null): string | null {
  if (text === null || !DATABASE_DETAIL.test(text)) return text;
  return 'a database error (an ADMIN key sees its details; the service log has them too)';
}

const isAdmin = (key: AuthenticatedApiKey) => key.role === Role.ADMIN;

/**
 * Fields whose full value is for admins: what a READER key reads of them carries no internal detail
 * (Aircall's webhook id, database error texts).
 */
@Resolver(() => AccountModel)
export class AccountReaderView {
  @ResolveField(() => String, { nullable: true })
  webhookId(@Parent() account: AccountModel, @CurrentApiKey() key: AuthenticatedApiKey): string | null {
    return isAdmin(key) ? account.webhookId : null;
  }
}

@Resolver(() => WebhookEventModel)
export class WebhookEventReaderView {
  @ResolveField(() => String, { nullable: true })
  lastError(@Parent() event: WebhookEventModel, @CurrentApiKey() key: AuthenticatedApiKey): string | null {
    return isAdmin(key) ? event.lastError : readerSafeError(event.lastError);
  }
}

@Resolver(() => SyncRunModel)
export class SyncRunReaderView {
  @ResolveField(() => String, { nullable: true })
  error(@Parent() run: SyncRunModel, @CurrentApiKey() key: AuthenticatedApiKey): string | null {
    return isAdmin(key) ? run.error : readerSafeError(run.error);
  }
}
