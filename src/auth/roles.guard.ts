import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { NotAllowedError } from '../errors/domain-errors';
import { apiKeyOf } from './current-api-key.decorator';
import { REQUIRED_ROLE } from './require-role.decorator';
import { Role, roleSatisfies } from './role';

/**
 * Authorises every root GraphQL field: queries need READER unless marked otherwise, mutations always
 * need ADMIN (docs/architecture.md "GraphQL"), whatever their decorator says. HTTP routes
 * (webhooks, OAuth, health) have their own authentication and pass through.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const key = apiKeyOf(context);
    const declared = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const isMutation =
      GqlExecutionContext.create(context).getInfo<{ operation?: { operation?: string } }>()?.operation
        ?.operation === 'mutation';
    const required = isMutation ? Role.ADMIN : (declared ?? Role.READER);
    if (!roleSatisfies(key.role, required)) {
      throw new NotAllowedError(`this operation needs an ${required} API key`);
    }
    return true;
  }
}
