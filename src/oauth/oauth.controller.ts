import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { OAuthInstallService } from './oauth-install.service';
import { OAuthPage, renderPage } from './oauth-pages';

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The install_uri and redirect_uri registered with Aircall for the Technology Partner app. */
@Controller('oauth')
export class OAuthController {
  constructor(private readonly install: OAuthInstallService) {}

  @Get('install')
  start(@Res() res: Response): void {
    const outcome = this.install.start();
    if ('redirectTo' in outcome) {
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, outcome.redirectTo);
      return;
    }
    send(res, outcome.page);
  }

  @Get('callback')
  async callback(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    send(
      res,
      await this.install.complete({
        code: single(query.code),
        state: single(query.state),
        error: single(query.error),
      }),
    );
  }
}

function send(res: Response, page: OAuthPage): void {
  res
    .status(page.status)
    .setHeader('Cache-Control', 'no-store')
    // The callback URL carries a one-time code: never leak it through a Referer.
    .setHeader('Referrer-Policy', 'no-referrer')
    .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
    .type('html')
    .send(renderPage(page));
}
