import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminAccess } from './admin-access';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysResolver } from './api-keys.resolver';
import { ApiKeysService } from './api-keys.service';
import { RolesGuard } from './roles.guard';

/**
 * API keys of the GraphQL API: authentication (ApiKeyAuthenticator, used when the GraphQL context is
 * built), authorisation (RolesGuard on every resolver, @RequireRole, assertAccountAccess/accountScope)
 * the key management mutations, and AdminAccess (a way in at start).
 */
@Module({
  providers: [
    ApiKeyRepository,
    ApiKeyAuthenticator,
    ApiKeysService,
    ApiKeysResolver,
    AdminAccess,
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [ApiKeyAuthenticator, ApiKeysService, AdminAccess],
})
export class AuthModule {}
