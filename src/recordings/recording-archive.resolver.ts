import { Args, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AccountsService } from '../accounts/accounts.service';
import { AccountModel } from '../accounts/models/account.model';
import { RequireRole } from '../auth/require-role.decorator';
import { Role } from '../auth/role';
import { AppConfig } from '../config/app-config';
import { CallMediaRepository, summarize } from './call-media.repository';
import { RecordingArchiver } from './recording-archiver';
import { RecordingArchiveModel } from './models/recording-archive.model';

/** `Account.recordingArchive` (its counts) and the per-account switch, for admins. */
@Resolver(() => AccountModel)
export class RecordingArchiveResolver {
  constructor(
    private readonly config: AppConfig,
    private readonly media: CallMediaRepository,
    private readonly accounts: AccountsService,
    private readonly archiver: RecordingArchiver,
  ) {}

  @ResolveField(() => RecordingArchiveModel, {
    description: "The account's recordings and voicemails archive",
  })
  async recordingArchive(@Parent() account: AccountModel): Promise<RecordingArchiveModel> {
    return Object.assign(new RecordingArchiveModel(), {
      mode: this.config.RECORDINGS,
      storage: this.config.RECORDINGS_STORAGE,
      enabled: account.archiveRecordings,
      ...summarize(await this.media.counts(account.id)),
    });
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => AccountModel, {
    description:
      "Switches archiving of the account's recordings and voicemails on or off (RECORDINGS=archive); switched back on, what was missed is archived, with fresh links",
  })
  async setRecordingArchiving(
    @Args('accountId', { type: () => ID }) accountId: string,
    @Args('enabled') enabled: boolean,
  ): Promise<AccountModel> {
    const account = AccountModel.from(await this.accounts.setArchiveRecordings(accountId, enabled));
    this.media.accountsChanged();
    if (enabled) this.archiver.wake();
    return account;
  }
}
