import { ApolloServer, BaseContext, ContextFunction } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Injectable } from '@nestjs/common';
import type { Express } from 'express';
import { apolloExpressHandler, ExpressContextArgs } from './apollo-express-handler';

/**
 * Nest's ApolloDriver with the Express mounting done by apolloExpressHandler instead of the optional
 * `@as-integrations/express5` package (not a dependency of this service). Everything else — schema
 * building, plugins, error formatting — is Nest's.
 */
@Injectable()
export class ExpressApolloDriver extends ApolloDriver {
  protected override async registerExpress(options: ApolloDriverConfig): Promise<void> {
    const httpAdapter = this.httpAdapterHost.httpAdapter;
    const path = options.path ?? '/graphql';
    const server = new ApolloServer<BaseContext>({
      ...(options as ConstructorParameters<typeof ApolloServer<BaseContext>>[0]),
      plugins: [
        ...(options.plugins ?? []),
        ApolloServerPluginDrainHttpServer({ httpServer: httpAdapter.getHttpServer() }),
        // No HTTP caching of authenticated POSTs: without this, Apollo's default cache-control plugin
        // wraps every field resolver of a page to collect hints nobody reads.
        ApolloServerPluginCacheControlDisabled(),
      ],
    });
    await server.start();
    const context = options.context as ContextFunction<[ExpressContextArgs], BaseContext>;
    (httpAdapter.getInstance() as Express).use(path, apolloExpressHandler(server, context));
    this.apolloServer = server;
  }
}
