import { APP_FILTER } from '@nestjs/core';
import { ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule as NestGraphQLModule } from '@nestjs/graphql';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from '../http/request-id';
import { ExpressApolloDriver } from './express-apollo.driver';
import { StrictDateTime } from '../graphql/date-time.scalar';
import { DomainErrorFilter } from './domain-error.filter';
import { GraphiqlAssetsController, graphiqlLandingPage } from './graphiql';
import { formatGraphqlError, inputErrorFieldPlugin, unexpectedErrorLogPlugin } from '../graphql/format-error';
import { GraphqlContext } from '../graphql/graphql-context';
import { unauthenticated } from '../graphql/graphql-errors';
import { ExpressContextArgs } from './apollo-express-handler';
import { DEFAULT_QUERY_LIMITS, MAX_DOCUMENT_TOKENS, queryLimitsPlugin } from '../graphql/query-limits';
import { RequestLoaders } from '../graphql/request-loaders';

/**
 * POST /graphql: code-first schema (printed to schema.gql by `npm run schema:print`), API-key
 * authentication before anything runs (HTTP 401 otherwise), depth/complexity limits, one set of
 * DataLoaders per request, and the GraphiQL IDE outside production.
 */
@Module({
  imports: [
    NestGraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ExpressApolloDriver,
      imports: [AuthModule],
      inject: [AppConfig, ApiKeyAuthenticator],
      useFactory: (config: AppConfig, authenticator: ApiKeyAuthenticator): ApolloDriverConfig => {
        const isProduction = config.NODE_ENV === 'production';
        return {
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          // Our own GraphiQL page (assets served locally) outside production; no landing page in production.
          playground: false,
          introspection: !isProduction,
          includeStacktraceInErrorResponses: false,
          buildSchemaOptions: {
            dateScalarMode: 'isoDate',
            numberScalarMode: 'integer',
            scalarsMap: [{ type: Date, scalar: StrictDateTime }],
          },
          // Bounds the work of parsing and validating a document before its cost is known.
          parseOptions: { maxTokens: MAX_DOCUMENT_TOKENS },
          plugins: [
            queryLimitsPlugin(DEFAULT_QUERY_LIMITS),
            inputErrorFieldPlugin,
            unexpectedErrorLogPlugin,
            ...(isProduction ? [] : [graphiqlLandingPage()]),
          ],
          formatError: formatGraphqlError,
          context: async ({ req, res }: ExpressContextArgs): Promise<GraphqlContext> => {
            const apiKey = await authenticator.authenticate(req.headers.authorization);
            if (!apiKey) throw unauthenticated();
            return { req, requestId: requestIdOf(res), apiKey, loaders: new RequestLoaders() };
          },
        };
      },
    }),
  ],
  controllers: [GraphiqlAssetsController],
  providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }],
})
export class GraphqlModule {}
