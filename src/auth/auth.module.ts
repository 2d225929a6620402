import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysResolver } from './api-keys.resolver';
import { ApiKeysService } from './api-keys.service';
import { RolesGuard } from './roles.guard';

/**
 * API keys of the GraphQL API: authentication (ApiKeyAuthenticator, used when the GraphQL context is
 * built), authorisation (RolesGuard on every resolver, @RequireRole, assertAccountAccess/accountScope)
 * and the key management mutations.
 */
@Module({
  providers: [
    ApiKeyRepository,
    ApiKeyAuthenticator,
    ApiKeysService,
    ApiKeysResolver,
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [ApiKeyAuthenticator],
})
export class AuthModule {}
