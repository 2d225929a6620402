import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders } from '../graphql/graphql-context';
import { RequestLoaders } from '../graphql/request-loaders';
import { listComplexity } from '../graphql/query-limits';
import { tenantKey } from '../graphql/tenant-keys';
import { DirectoryLoaders } from './directory-loaders';
import { TeamModel } from './models/team.model';
import { UserModel } from './models/user.model';

@Resolver(() => TeamModel)
export class TeamFieldResolver {
  constructor(private readonly directory: DirectoryLoaders) {}

  @ResolveField(() => [UserModel], {
    complexity: listComplexity,
    description: 'Users of the team (as of the last directory sync)',
  })
  members(@Parent() team: TeamModel, @Loaders() loaders: RequestLoaders): Promise<UserModel[]> {
    return this.directory.teamMembers(loaders).load(tenantKey(team.accountId, team.id));
  }
}
