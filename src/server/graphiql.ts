import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Response } from 'express';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppConfig } from '../config/app-config';

/** Where the IDE's assets are served: from npm packages the service ships, never a CDN. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/assets';

const JS = 'text/javascript; charset=utf-8';
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: JS },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: JS },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: JS },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
};

/** A file of an installed package; its `exports` do not list the UMD builds, so found from its root. */
function packageFile(name: string, path: string): string {
  return join(dirname(require.resolve(`${name}/package.json`)), path);
}

/** GET /graphiql/assets/:file — the four files the IDE page loads (React, ReactDOM, GraphiQL). */
@Controller(GRAPHIQL_ASSETS_PATH.slice(1))
export class GraphiqlAssetsController {
  constructor(private readonly config: AppConfig) {}

  @Get(':file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const asset = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    // Production serves no IDE, so none of its files either.
    if (!asset || this.config.NODE_ENV === 'production')
      throw new NotFoundException(`no IDE asset named ${file}`);
    res.setHeader('content-type', asset.type);
    res.setHeader('cache-control', 'public, max-age=86400');
    createReadStream(asset.file).pipe(res);
  }
}

/**
 * The GraphiQL page a browser gets for GET /graphql outside production. It loads only what the
 * service serves itself, so it works without internet; the key goes in the Headers tab.
 */
export function graphiqlLandingPage(): ApolloServerPlugin<BaseContext> {
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>aircall-sync GraphQL</title>
  <link rel="stylesheet" href="${GRAPHIQL_ASSETS_PATH}/graphiql.css" />
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading the GraphQL IDE…</div>
  <script src="${GRAPHIQL_ASSETS_PATH}/react.js"></script>
  <script src="${GRAPHIQL_ASSETS_PATH}/react-dom.js"></script>
  <script src="${GRAPHIQL_ASSETS_PATH}/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: location.origin + '/graphql' });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultEditorToolsVisibility: 'headers',
        headers: JSON.stringify({ Authorization: 'Bearer <your API key>' }, null, 2),
        defaultQuery: '# Put your API key in the Headers tab below, then run:\\n{ accounts { id name status } }\\n',
      }),
    );
  </script>
</body>
</html>`;
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}
