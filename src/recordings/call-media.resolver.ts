import { Logger } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { MediaKind } from '../calls/call-media-tracker';
import { CallModel } from '../calls/models/call.model';
import { AppConfig } from '../config/app-config';
import { SecretBox } from '../crypto/secret-box';
import { Loaders } from '../graphql/graphql-context';
import { RequestLoaders } from '../graphql/request-loaders';
import { CallMediaRepository, holdsFile, ShownMediaRow } from './call-media.repository';
import { MediaLinkRefresher } from './media-link-refresher';
import { linkExpiresAt } from './media-links';
import { signMediaGrant } from './media-tokens';
import { CallMediaModel, MediaStatusValue } from './models/call-media.model';

/** A stored Aircall link is handed out only while it has at least this long to live. */
const LINK_MARGIN_MS = 5 * 60_000;

const STATUS: Record<string, MediaStatusValue> = {
  pending: MediaStatusValue.PENDING,
  checking: MediaStatusValue.PENDING,
  archived: MediaStatusValue.ARCHIVED,
  failed: MediaStatusValue.FAILED,
  expired: MediaStatusValue.EXPIRED,
  deleted: MediaStatusValue.DELETED,
};

/** A row that holds a file reads as ARCHIVED whatever is being checked about it (holdsFile). */
function statusForPeople(row: { status: string; storageKey: string | null; archivedAt: Date | null }) {
  return holdsFile(row) ? MediaStatusValue.ARCHIVED : (STATUS[row.status] ?? null);
}

interface MediaKey {
  accountId: string;
  callId: string;
  kind: MediaKind;
}

/**
 * `Call.recording` and `Call.voicemail`: the archive's row (one query per page, through a loader)
 * and a link that works now — this service's signed link to an archived file, else the stored
 * Aircall link while it lives, else a fresh one re-read from Aircall, at most
 * RECORDINGS_REFRESHES_PER_REQUEST per request (each costs the company's rate budget).
 */
@Resolver(() => CallModel)
export class CallMediaResolver {
  private readonly logger = new Logger(CallMediaResolver.name);

  constructor(
    private readonly config: AppConfig,
    private readonly media: CallMediaRepository,
    private readonly refresher: MediaLinkRefresher,
    private readonly secrets: SecretBox,
  ) {}

  @ResolveField(() => CallMediaModel, {
    nullable: true,
    description: "The call's recording; null when it has none",
  })
  recording(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<CallMediaModel | null> {
    return this.resolve(call, 'recording', call.recordingUrl, loaders);
  }

  @ResolveField(() => CallMediaModel, {
    nullable: true,
    description: 'The voicemail left on the call; null when none was',
  })
  voicemail(@Parent() call: CallModel, @Loaders() loaders: RequestLoaders): Promise<CallMediaModel | null> {
    return this.resolve(call, 'voicemail', call.voicemailUrl, loaders);
  }

  private async resolve(
    call: CallModel,
    kind: MediaKind,
    stored: string | null,
    loaders: RequestLoaders,
  ): Promise<CallMediaModel | null> {
    const row =
      this.config.RECORDINGS === 'archive'
        ? await this.rowLoader(loaders).load(`${call.accountId}:${call.id}:${kind}`)
        : null;
    if (!row && !stored) return null;
    const model = new CallMediaModel();
    Object.assign(model, {
      status: row ? statusForPeople(row) : null,
      sizeBytes: row?.sizeBytes ?? null,
      durationSeconds: row?.durationSeconds ?? null,
      contentType: row?.contentType ?? null,
      sha256: row?.sha256 ?? null,
      archivedAt: row?.archivedAt ?? null,
      lastError: row?.lastError ?? null,
      url: null,
      urlExpiresAt: null,
    });
    if (row?.status === 'deleted') return model;
    if (row && holdsFile(row)) {
      const expiresAt = Math.floor(Date.now() / 1000) + this.config.RECORDINGS_URL_TTL_SECONDS;
      const token = signMediaGrant(this.secrets, {
        accountId: call.accountId,
        callId: call.id,
        kind,
        expiresAt,
      });
      model.url = `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/recordings/${token}`;
      model.urlExpiresAt = new Date(expiresAt * 1000);
      return model;
    }
    const ttl = this.config.RECORDINGS_LINK_TTL_SECONDS * 1000;
    const expires = stored ? linkExpiresAt(stored, call.updatedAt, ttl) : null;
    if (
      stored &&
      (this.config.RECORDINGS === 'off' || (expires !== null && expires - LINK_MARGIN_MS > Date.now()))
    ) {
      model.url = stored;
      model.urlExpiresAt = expires === null ? null : new Date(expires);
      return model;
    }
    if (this.config.RECORDINGS === 'off') return model;
    const fresh = await this.freshLoader(loaders).load({ accountId: call.accountId, callId: call.id, kind });
    if (fresh) {
      model.url = fresh;
      const at = linkExpiresAt(fresh, new Date(), ttl);
      model.urlExpiresAt = at === null ? null : new Date(at);
    }
    return model;
  }

  private rowLoader(loaders: RequestLoaders) {
    return loaders.get<string, ShownMediaRow | null>('recordings.rows', async (ids) => {
      const keys = [...new Set(ids.map((id) => id.split(':').slice(0, 2).join(':')))].map(
        (pair) => pair.split(':') as [string, string],
      );
      const byId = new Map(
        (await this.media.forCalls(keys)).map((row) => [`${row.accountId}:${row.callId}:${row.kind}`, row]),
      );
      return ids.map((id) => byId.get(id) ?? null);
    });
  }

  /** Fresh links re-read from Aircall, within the request's budget; null past it or on failure. */
  private freshLoader(loaders: RequestLoaders) {
    let left = this.config.RECORDINGS_REFRESHES_PER_REQUEST;
    return loaders.get<MediaKey, string | null>(
      'recordings.fresh',
      (keys) =>
        Promise.all(
          keys.map(async (key) => {
            if (left <= 0) return null;
            left -= 1;
            try {
              const answer = await this.refresher.refresh(key.accountId, key.callId, key.kind, 'normal');
              return 'gone' in answer ? null : answer.link;
            } catch (error) {
              this.logger.warn({
                msg: 'could not refresh a recording link',
                accountId: key.accountId,
                callId: key.callId,
                error: String(error),
              });
              return null;
            }
          }),
        ),
      (key) => `${key.accountId}:${key.callId}:${key.kind}`,
    );
  }
}
