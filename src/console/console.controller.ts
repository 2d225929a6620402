import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ConsoleAsset, loadConsoleScripts } from './console-assets';
import { CONSOLE_FAVICON, CONSOLE_PAGE, consoleUnbuiltPage } from './console-page';
import { CONSOLE_STYLES } from './console-styles';

/**
 * Everything the page may load comes from this service; scripts and styles only from files (no
 * inline code), answers only from this origin, and no framing (clickjacking of the disconnect button).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GET /admin and its assets. The page is static: it signs in with an API key kept in the tab's
 * sessionStorage and does everything through POST /graphql, like any other client.
 */
@Controller('admin')
export class ConsoleController {
  private readonly scripts = loadConsoleScripts();
  private readonly styles: ConsoleAsset = {
    body: Buffer.from(CONSOLE_STYLES),
    contentType: 'text/css; charset=utf-8',
  };
  private readonly faviconAsset: ConsoleAsset = {
    body: Buffer.from(CONSOLE_FAVICON),
    contentType: 'image/svg+xml',
  };

  @Get()
  page(@Res() res: Response): void {
    const built = this.scripts.has('console.js');
    send(res, built ? 200 : 503, {
      body: Buffer.from(built ? CONSOLE_PAGE : consoleUnbuiltPage()),
      contentType: 'text/html; charset=utf-8',
    });
  }

  @Get('assets/console.css')
  stylesheet(@Res() res: Response): void {
    send(res, 200, this.styles);
  }

  @Get('assets/favicon.svg')
  favicon(@Res() res: Response): void {
    send(res, 200, this.faviconAsset);
  }

  @Get('assets/:name')
  script(@Param('name') name: string, @Res() res: Response): void {
    const asset = this.scripts.get(name);
    if (!asset) {
      send(res, 404, { body: Buffer.from('not found\n'), contentType: 'text/plain; charset=utf-8' });
      return;
    }
    send(res, 200, asset);
  }
}

function send(res: Response, status: number, asset: ConsoleAsset): void {
  res
    .status(status)
    .setHeader('Content-Security-Policy', CONSOLE_CSP)
    .setHeader('X-Content-Type-Options', 'nosniff')
    .setHeader('Referrer-Policy', 'no-referrer')
    .setHeader('X-Frame-Options', 'DENY')
    // A new build's page and scripts must be fetched together, never a cached mix of two builds.
    .setHeader('Cache-Control', 'no-cache')
    .setHeader('Content-Type', asset.contentType)
    .send(asset.body);
}
