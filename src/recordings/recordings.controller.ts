import { Controller, Get, Head, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream';
import { SecretBox } from '../crypto/secret-box';
import { parseByteRange } from '../storage/byte-range';
import { ObjectNotFoundError, ObjectStorage } from '../storage/object-storage';
import { CallMediaRepository } from './call-media.repository';
import { verifyMediaGrant } from './media-tokens';
import { RECORDING_STORAGE } from './recording-storage';

/**
 * GET /recordings/:token: an archived recording or voicemail, for whoever holds a link GraphQL
 * handed out (signed, expiring, naming the account and call). Range requests are answered 206, so
 * players can seek; the file is streamed from the storage, never held in memory.
 */
@Controller('recordings')
export class RecordingsController {
  constructor(
    private readonly secrets: SecretBox,
    private readonly media: CallMediaRepository,
    @Inject(RECORDING_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  @Head(':token')
  head(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(token, req, res, false);
  }

  @Get(':token')
  get(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(token, req, res, true);
  }

  private async serve(token: string, req: Request, res: Response, withBody: boolean): Promise<void> {
    const verdict = verifyMediaGrant(this.secrets, token, Math.floor(Date.now() / 1000));
    if ('refused' in verdict) {
      refuse(
        res,
        verdict.refused === 'expired' ? 410 : 403,
        verdict.refused === 'expired' ? 'this link has expired: ask GraphQL for a new one' : 'invalid link',
      );
      return;
    }
    const { accountId, callId, kind } = verdict.grant;
    const row = await this.media.find(accountId, callId, kind);
    if (!row || row.status === 'deleted' || !row.storageKey || row.sizeBytes === null) {
      refuse(res, 404, 'no archived file');
      return;
    }
    const size = row.sizeBytes;
    const answer = parseByteRange(req.headers.range, size);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', row.contentType ?? 'audio/mpeg');
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (row.sha256) res.setHeader('ETag', `"${row.sha256}"`);
    if (answer.kind === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`);
      refuse(res, 416, 'range not satisfiable');
      return;
    }
    const range = answer.kind === 'partial' ? answer.range : undefined;
    if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : size));
    res.status(range ? 206 : 200);
    if (!withBody) {
      res.end();
      return;
    }
    let body;
    try {
      body = await this.storage.read(row.storageKey, range);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) {
        res.removeHeader('Content-Length');
        res.removeHeader('Content-Range');
        refuse(res, 404, 'the archived file is missing from the storage');
        return;
      }
      throw error;
    }
    // A client that goes away destroys the read, so no file handle or S3 stream is left open.
    pipeline(body, res, () => undefined);
  }
}

function refuse(res: Response, status: number, message: string): void {
  res.status(status).setHeader('Content-Type', 'application/json; charset=utf-8');
  res.removeHeader('Content-Length');
  res.end(JSON.stringify({ error: message }));
}
