import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../database/database';
import { MetricsService } from '../metrics/metrics.service';
import { requestIdOf } from '../http/request-id';
import { eventLabel } from '../aircall/aircall-events';
import { EnvelopeError, isUnicodeSafeJson, parseEnvelope, WebhookEnvelope } from './webhook-envelope';
import { UnknownWebhookTokenError, WebhookInbox } from './webhook-inbox';
import { sha256Hex } from '../crypto/hashing';

class BodyTooLargeError extends Error {}

/** A JSON body the inbox cannot hold at all (nested deeper than can be serialised again). */
class UnstorableBodyError extends Error {
  constructor() {
    super('the body is nested too deeply to be stored');
  }
}

/**
 * POST /aircall/webhook — Aircall's deliveries. Served straight from node:http, ahead of Express
 * (see webhook-route.ts): the framework's per-request work is most of a delivery's CPU on this hot
 * path, while everything else (GraphQL, OAuth, health) stays on Nest + Express.
 * Checks the body, finds the account by the token,
 * stores the event in the inbox and only then answers 200; the processor applies it afterwards.
 *
 * Aircall times out after 5 s, retries failed deliveries and disables a webhook that keeps failing
 * (https://developer.aircall.io/api-references/#webhooks, docs/aircall-behaviour.md §1): so the
 * answer is fast, 200 only once stored, 503 when the database cannot take it (Aircall retries),
 * and 4xx only for what is not a delivery at all: 401 for an unknown token, 400 for a body that is
 * not a JSON object, 413 past the size limit. A delivery whose envelope cannot be read is stored as
 * quarantined and answered 200. The token is never logged.
 */
@Injectable()
export class WebhookReceiver {
  private readonly logger = new Logger(WebhookReceiver.name);

  constructor(
    private readonly config: AppConfig,
    private readonly inbox: WebhookInbox,
    private readonly metrics: MetricsService,
  ) {}

  async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = new Date();
    const reply = (status: number, body: Record<string, unknown>, outcome: string) => {
      this.metrics.inc('aircall_webhook_deliveries_total', 'Webhook deliveries received, by outcome', {
        outcome,
      });
      const text = JSON.stringify(body);
      if (status >= 500) res.setHeader('Retry-After', '5');
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };

    let raw: Buffer;
    try {
      raw = await this.readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // Stop reading; the connection is closed after the answer so the rest is not consumed.
        res.setHeader('Connection', 'close');
        return reply(
          HttpStatus.PAYLOAD_TOO_LARGE,
          { error: `body exceeds ${this.config.WEBHOOK_MAX_BODY_BYTES} bytes` },
          'too_large',
        );
      }
      return reply(HttpStatus.BAD_REQUEST, { error: 'could not read the request body' }, 'bad_request');
    }

    let body: unknown;
    let unicodeSafe: boolean;
    try {
      const text = raw.toString('utf8');
      unicodeSafe = isUnicodeSafeJson(text);
      body = JSON.parse(text);
    } catch (error) {
      return reply(
        HttpStatus.BAD_REQUEST,
        { error: `malformed JSON: ${(error as Error).message}` },
        'bad_request',
      );
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return reply(
        HttpStatus.BAD_REQUEST,
        { error: 'the body must be a JSON object (Aircall webhook envelope)' },
        'bad_request',
      );
    }
    const token = (body as Record<string, unknown>).token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) {
      return reply(HttpStatus.UNAUTHORIZED, { error: 'missing webhook token' }, 'unauthorized');
    }

    try {
      // The inbox resolves the token's account when it writes the row, from the database: a token a
      // disconnect or purge removed on any instance is refused here at once.
      const stored = this.store(sha256Hex(token), body as Record<string, unknown>, unicodeSafe, receivedAt);
      // Nothing of the parsed body is referenced past this point: while the INSERT is awaited, each
      // delivery in flight holds its event name and strings only, not its object graph, which every
      // young-generation collection of the wait would otherwise copy (see store()).
      body = undefined;
      const { event, quarantined } = await this.withinStoreTimeout(stored);
      this.metrics.inc(
        'aircall_webhook_events_received_total',
        'Webhook events stored in the inbox, by event',
        { event: eventLabel(event) },
      );
      this.metrics.observe(
        'aircall_webhook_ack_ms',
        'Milliseconds from request to durable acknowledgement',
        Date.now() - receivedAt.getTime(),
      );
      return quarantined === null
        ? reply(HttpStatus.OK, { status: 'stored' }, 'stored')
        : reply(HttpStatus.OK, { status: 'quarantined', reason: quarantined }, 'quarantined');
    } catch (error) {
      if (error instanceof UnknownWebhookTokenError)
        return reply(HttpStatus.UNAUTHORIZED, { error: 'unknown webhook token' }, 'unauthorized');
      if (error instanceof UnstorableBodyError)
        return reply(HttpStatus.BAD_REQUEST, { error: error.message }, 'bad_request');
      if (isDatabaseUnavailable(error)) {
        this.logger.warn({
          msg: 'webhook delivery refused: database unavailable',
          requestId: requestIdOf(res),
          error: String((error as Error).cause ?? error),
        });
        return reply(
          HttpStatus.SERVICE_UNAVAILABLE,
          { error: 'database unavailable, retry later' },
          'unavailable',
        );
      }
      this.logger.error({
        msg: 'webhook delivery failed',
        requestId: requestIdOf(res),
        error: String(error),
      });
      return reply(
        HttpStatus.SERVICE_UNAVAILABLE,
        { error: 'could not store the event, retry later' },
        'error',
      );
    }
  }

  /**
   * Checks the envelope and queues its inbox row; resolves once the row is committed with the event
   * name, and the reason when the envelope could not be read and the delivery was quarantined. A
   * function of its own so that the parsed envelope is a local of this synchronous part only: the
   * inbox row holds strings, and the caller awaits only the promise.
   */
  private store(
    tokenHash: string,
    body: Record<string, unknown>,
    unicodeSafe: boolean,
    receivedAt: Date,
  ): Promise<{ event: string; quarantined: string | null }> {
    let envelope: WebhookEnvelope;
    try {
      envelope = parseEnvelope(body, unicodeSafe);
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      // Aircall's own deliveries are never refused for their content: it retries them and then
      // disables the webhook. The body is kept, with the reason, for a later version to read.
      const { token: _token, ...rest } = body;
      const reason = error.message;
      let stored: Promise<void>;
      try {
        stored = this.inbox.storeQuarantined({ tokenHash, body: rest, reason, receivedAt });
      } catch (unstorable) {
        // Only a body nested beyond what JSON.stringify can walk gets here: no Aircall payload is.
        if (unstorable instanceof RangeError) throw new UnstorableBodyError();
        throw unstorable;
      }
      const event = typeof rest.event === 'string' ? rest.event : 'unknown';
      return stored.then(() => ({ event, quarantined: reason }));
    }
    const event = envelope.event;
    return this.inbox.store({ tokenHash, envelope, receivedAt }).then(() => ({ event, quarantined: null }));
  }

  /**
   * `stored`, or a DatabaseUnavailableError once WEBHOOK_STORE_TIMEOUT_MS passed: a database that
   * stopped answering gets the delivery a 503 well within Aircall's 5 s, and Aircall retries it. Should
   * the row still be written later, the retry is the same delivery (same fingerprint): stored once.
   */
  private withinStoreTimeout<T>(stored: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new DatabaseUnavailableError(
              new Error(`the inbox row was not written within ${this.config.WEBHOOK_STORE_TIMEOUT_MS} ms`),
            ),
          ),
        this.config.WEBHOOK_STORE_TIMEOUT_MS,
      );
    });
    stored.catch(() => undefined);
    return Promise.race([stored, timeout]).finally(() => clearTimeout(timer));
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    const limit = this.config.WEBHOOK_MAX_BODY_BYTES;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return Promise.reject(new BodyTooLargeError());
    }
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > limit) {
          done = true;
          req.resume();
          reject(new BodyTooLargeError());
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!done) resolve(Buffer.concat(chunks));
      });
      req.on('error', (error) => {
        if (!done) reject(error);
      });
    });
  }
}
