import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { DirectoryLoaders } from '../directory/directory-loaders';
import { ContactModel } from '../directory/models/contact.model';
import { NumberModel } from '../directory/models/number.model';
import { TeamModel } from '../directory/models/team.model';
import { UserModel } from '../directory/models/user.model';
import { Loaders } from '../graphql/graphql-context';
import { RequestLoaders } from '../graphql/request-loaders';
import { tenantKey } from '../graphql/tenant-keys';
import { CallLoaders } from './call-loaders';
import { CallCommentModel } from './models/call-comment.model';
import { CallModel } from './models/call.model';
import { CallTagModel } from './models/call-tag.model';

/**
 * A call's related rows. Every lookup stays inside the call's own account (tenant keys), so nested
 * fields can never reach another account, and goes through the request's DataLoaders, so a page of
 * 100 calls costs one statement per field, not 100.
 */
@Resolver(() => CallModel)
export class CallFieldResolver {
  constructor(
    private readonly directory: DirectoryLoaders,
    private readonly callLoaders: CallLoaders,
  ) {}

  @ResolveField(() => UserModel, {
    nullable: true,
    description: 'The user who took (inbound) or made (outbound) the call',
  })
  user(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<UserModel | null> {
    return this.userById(call, call.userId, loaders);
  }

  @ResolveField(() => UserModel, { nullable: true })
  assignedTo(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<UserModel | null> {
    return this.userById(call, call.assignedToId, loaders);
  }

  @ResolveField(() => UserModel, { nullable: true })
  transferredBy(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<UserModel | null> {
    return this.userById(call, call.transferredById, loaders);
  }

  @ResolveField(() => UserModel, { nullable: true })
  transferredTo(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<UserModel | null> {
    return this.userById(call, call.transferredToId, loaders);
  }

  @ResolveField(() => NumberModel, {
    nullable: true,
    description: 'The Aircall number (line) the call went through',
  })
  async number(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<NumberModel | null> {
    return call.numberId
      ? this.directory.numbers(loaders).load(tenantKey(call.accountId, call.numberId))
      : null;
  }

  @ResolveField(() => ContactModel, { nullable: true })
  async contact(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<ContactModel | null> {
    return call.contactId
      ? this.directory.contacts(loaders).load(tenantKey(call.accountId, call.contactId))
      : null;
  }

  @ResolveField(() => [TeamModel], { description: 'Teams the call rang' })
  async teams(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<TeamModel[]> {
    const ids = await this.callLoaders.teamIds(loaders).load(tenantKey(call.accountId, call.id));
    if (ids.length === 0) return [];
    const teams = await this.directory
      .teams(loaders)
      .loadMany(ids.map((id) => tenantKey(call.accountId, id)));
    return teams.map((team, i) => {
      if (team instanceof Error) throw team;
      // A team Aircall named on the call but whose row is missing shows as a bare id rather than vanishing.
      return (
        team ??
        Object.assign(new TeamModel(), {
          id: ids[i],
          accountId: call.accountId,
          name: null,
          createdAt: null,
          deletedAt: null,
        })
      );
    });
  }

  @ResolveField(() => [CallTagModel])
  tags(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<CallTagModel[]> {
    return this.callLoaders.tags(loaders).load(tenantKey(call.accountId, call.id));
  }

  @ResolveField(() => [CallCommentModel])
  comments(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<CallCommentModel[]> {
    return this.callLoaders.comments(loaders).load(tenantKey(call.accountId, call.id));
  }

  private async userById(
    call: CallModel,
    userId: string | null,
    loaders: RequestLoaders,
  ): Promise<UserModel | null> {
    return userId ? this.directory.users(loaders).load(tenantKey(call.accountId, userId)) : null;
  }
}
