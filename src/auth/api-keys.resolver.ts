import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyModel, CreatedApiKeyModel } from './models/api-key.model';
import { RequireRole } from './require-role.decorator';
import { Role } from './role';

@Resolver(() => ApiKeyModel)
@RequireRole(Role.ADMIN)
export class ApiKeysResolver {
  constructor(private readonly service: ApiKeysService) {}

  @Query(() => [ApiKeyModel], {
    description: 'Every API key (admin only), newest first, revoked ones included',
  })
  async apiKeys(): Promise<ApiKeyModel[]> {
    return (await this.service.list()).map(ApiKeyModel.from);
  }

  @Mutation(() => CreatedApiKeyModel, { description: 'Creates a key and returns it once in clear' })
  async createApiKey(
    @Args('name', { type: () => String }) name: string,
    @Args('role', { type: () => Role }) role: Role,
    @Args('accountIds', {
      type: () => [ID],
      nullable: true,
      description: 'READER keys only: the accounts it may read',
    })
    accountIds?: string[] | null,
  ): Promise<CreatedApiKeyModel> {
    const created = await this.service.create(name, role, accountIds);
    return Object.assign(new CreatedApiKeyModel(), {
      apiKey: ApiKeyModel.from(created.apiKey),
      key: created.key,
    });
  }

  @Mutation(() => Boolean, {
    description: 'Revokes a key; false when it did not exist or was already revoked',
  })
  revokeApiKey(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.revoke(id);
  }
}
