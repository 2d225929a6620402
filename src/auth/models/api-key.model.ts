import { Field, ID, ObjectType } from '@nestjs/graphql';
import { StoredApiKey } from '../api-key.repository';
import { Role } from '../role';

/** An API key as listed to admins: never the key, only its first characters. */
@ObjectType('ApiKey')
export class ApiKeyModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => [ID], { nullable: true, description: 'Accounts this key may read; null = every account' })
  accountIds!: string[] | null;

  @Field(() => String, { description: 'The first characters of the key, to tell keys apart' })
  keyPrefix!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  static from(key: StoredApiKey): ApiKeyModel {
    return Object.assign(new ApiKeyModel(), {
      id: key.id,
      name: key.name,
      role: key.role,
      accountIds: key.accountIds,
      keyPrefix: key.keyPrefix,
      createdAt: key.createdAt,
      revokedAt: key.revokedAt,
      lastUsedAt: key.lastUsedAt,
    });
  }
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyModel {
  @Field(() => ApiKeyModel)
  apiKey!: ApiKeyModel;

  @Field(() => String, { description: 'The key itself. Shown once: only its SHA-256 is stored.' })
  key!: string;
}
