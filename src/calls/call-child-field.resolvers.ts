import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { DirectoryLoaders } from '../directory/directory-loaders';
import { UserModel } from '../directory/models/user.model';
import { Loaders } from '../graphql/graphql-context';
import { RequestLoaders } from '../graphql/request-loaders';
import { tenantKey } from '../graphql/tenant-keys';
import { CallCommentModel } from './models/call-comment.model';
import { CallTagModel } from './models/call-tag.model';

@Resolver(() => CallTagModel)
export class CallTagFieldResolver {
  constructor(private readonly directory: DirectoryLoaders) {}

  @ResolveField(() => UserModel, { nullable: true, description: 'Who tagged the call, when Aircall says' })
  async taggedBy(@Parent() tag: CallTagModel, @Loaders() loaders: RequestLoaders): Promise<UserModel | null> {
    return tag.taggedById
      ? this.directory.users(loaders).load(tenantKey(tag.accountId, tag.taggedById))
      : null;
  }
}

@Resolver(() => CallCommentModel)
export class CallCommentFieldResolver {
  constructor(private readonly directory: DirectoryLoaders) {}

  @ResolveField(() => UserModel, {
    nullable: true,
    description: 'The author; null for comments posted through the API',
  })
  async postedBy(
    @Parent() comment: CallCommentModel,
    @Loaders() loaders: RequestLoaders,
  ): Promise<UserModel | null> {
    return comment.postedById
      ? this.directory.users(loaders).load(tenantKey(comment.accountId, comment.postedById))
      : null;
  }
}
