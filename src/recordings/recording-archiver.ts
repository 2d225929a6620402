import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import { AccountNotConnectedError } from '../accounts/account-errors';
import { AircallAuthError } from '../aircall/aircall-errors';
import { AppConfig } from '../config/app-config';
import { isDatabaseUnavailable } from '../database/database';
import { MetricsService } from '../metrics/metrics.service';
import { ObjectStorage } from '../storage/object-storage';
import { CallMediaRepository, holdsFile, MediaJob, MediaOutcome } from './call-media.repository';
import { MediaLinkDeadError, MediaRefusedError, MediaTransientError } from './media-fetch';
import { MediaLinkRefresher } from './media-link-refresher';
import { linkExpiresAt } from './media-links';
import { RECORDING_STORAGE, recordingStorageSettings } from './recording-storage';
import { TransferSlots } from './transfer-slots';
import { MediaTransferThread } from './transfer-thread';

/** Claims held per download slot: downloading, queued next, or committing and finishing. */
const CLAIMS_PER_SLOT = 4;

/** A claim is made for at least this many files per slot: its transaction is five round trips. */
const CLAIM_BATCH_PER_SLOT = 2;

/** A link that expires within this margin is refreshed before the download starts. */
const EXPIRY_MARGIN_MS = 60_000;

/** Backoff of failed downloads with jitter: ~base, 2×base, 4×base … capped at one hour. */
export function archiveRetryDelayMs(attempts: number, baseMs: number): number {
  const base = Math.min(3_600_000, baseMs * 2 ** Math.min(attempts - 1, 20));
  return Math.round(base / 2 + randomInt(0, Math.max(1, Math.floor(base / 2))));
}

/** What a running job tells the archiver's slots (transfer-slots.ts). */
interface JobEvents {
  /** Every byte has arrived and passed its checks; the storage is committing the file. */
  received: () => void;
  /** The file is stored, or the job failed: it holds no slot any more. */
  stored: () => void;
}

/** Why a job ended without a file, as the row tells it. */
class JobEnd extends Error {
  constructor(readonly outcome: MediaOutcome) {
    super(outcome.lastError ?? String(outcome.status));
  }
}

/**
 * Downloads recordings and voicemails into the archive, RECORDINGS_CONCURRENCY at a time per
 * instance. Rows are claimed from `call_media` (SKIP LOCKED, with a claim that lapses if the instance
 * dies, renewed while a download runs), so instances never fetch the same file at once. A link about
 * to expire, or refused by the media host, is refreshed by re-reading the call; a link Aircall no
 * longer gives means the file was deleted there, and it is deleted here too. The bytes move in the
 * transfer thread (media-transfer.ts): streamed through a meter that hashes and counts them, so
 * memory stays flat, and a body shorter than announced or not matching its ETag never becomes ARCHIVED.
 */
@Injectable()
export class RecordingArchiver implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecordingArchiver.name);
  /** This instance's name on its claims. */
  readonly owner = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /** Where the bytes move: a worker thread (transfer-thread.ts). */
  private readonly transfers: MediaTransferThread;
  /** The jobs this instance holds a claim on: queued, downloading, committing, or writing their outcome. */
  private readonly active = new Map<string, { job: MediaJob; abort: AbortController }>();
  /** Claimed jobs waiting for a download slot, oldest first. */
  private readonly queued: { id: string; job: MediaJob; abort: AbortController }[] = [];
  /** RECORDINGS_CONCURRENCY download slots, and the commits that run out of them. */
  private readonly slots: TransferSlots;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private filling: Promise<void> | null = null;
  /** A wake arrived while claiming: claim again as soon as that ends. */
  private refill = false;
  private readonly idle = new Set<() => void>();
  /** Bytes downloaded per second over the last minute, for /health's download rate. */
  private readonly perSecond = new Float64Array(60);
  private lastSecond = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly media: CallMediaRepository,
    private readonly refresher: MediaLinkRefresher,
    private readonly metrics: MetricsService,
    @Inject(RECORDING_STORAGE) private readonly storage: ObjectStorage,
  ) {
    const settings = {
      storage: recordingStorageSettings(config),
      allowedHosts: config.RECORDINGS_ALLOWED_HOSTS,
      maxBytes: config.RECORDINGS_MAX_BYTES,
      idleTimeoutMs: config.RECORDINGS_IDLE_TIMEOUT_MS,
    };
    this.slots = new TransferSlots(config.RECORDINGS_CONCURRENCY);
    this.transfers = new MediaTransferThread(settings, config.SHUTDOWN_TIMEOUT_MS, (bytes) => {
      this.count(bytes);
      this.metrics.inc(
        'aircall_recordings_downloaded_bytes_total',
        'Bytes of recordings and voicemails downloaded',
        {},
        bytes,
      );
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.RECORDINGS !== 'archive') return;
    this.running = true;
    this.renewTimer = setInterval(
      () => void this.renewClaims(),
      Math.max(200, this.config.RECORDINGS_CLAIM_TTL_MS / 3),
    );
    this.renewTimer.unref();
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    for (const { abort } of this.active.values())
      abort.abort(new MediaTransientError('the service is stopping'));
    await this.filling;
    // Never started: their claims are handed back below with the others.
    for (const { id } of this.queued.splice(0)) this.active.delete(id);
    this.settle();
    await this.whenIdle();
    // Handed back at once rather than after the claim lapses, so another instance resumes them.
    await this.media.release(this.owner).catch(() => undefined);
    await this.transfers.close();
    await this.storage.close();
  }

  /** Bytes per second downloaded over the last minute (this instance). */
  downloadRate(): number {
    this.count(0);
    return Math.round(this.perSecond.reduce((sum, bytes) => sum + bytes, 0) / 60);
  }

  /** Downloads running on this instance now. */
  get downloading(): number {
    return this.slots.downloads;
  }

  private count(bytes: number): void {
    const second = Math.floor(Date.now() / 1000);
    if (second - this.lastSecond >= 60) this.perSecond.fill(0);
    else for (let s = this.lastSecond + 1; s <= second; s++) this.perSecond[s % 60] = 0;
    this.lastSecond = second;
    this.perSecond[second % 60] += bytes;
  }

  /** New media may be due, or a slot freed: look now rather than at the next poll. */
  wake(): void {
    if (!this.running) return;
    if (this.filling) this.refill = true;
    else this.schedule(0);
  }

  /** Resolves once no download runs (for tests and shutdown). */
  whenIdle(): Promise<void> {
    if (this.active.size === 0 && !this.filling) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.filling = this.fill().finally(() => {
        this.filling = null;
        this.settle();
        const again = this.refill;
        this.refill = false;
        this.schedule(again ? 0 : this.config.RECORDINGS_POLL_MS);
      });
    }, delayMs);
    this.timer.unref();
  }

  /**
   * Claims jobs to queue for the download slots, in batches of twice the slot count (one claim's
   * transaction, five round trips, per several files: batches of one slot count made the claims
   * 60 % of the archiver's queries), so that a slot that frees starts its next download at once
   * rather than after a claim's round trips to the database. Claims are held until the outcome is
   * written, so the jobs committing keep theirs too: CLAIMS_PER_SLOT bounds them all, which leaves
   * up to three times the slot count queued when commits are quick (each for about one download's time).
   */
  private async fill(): Promise<void> {
    const slots = this.config.RECORDINGS_CONCURRENCY;
    const want = CLAIMS_PER_SLOT * slots - this.active.size;
    if (want < CLAIM_BATCH_PER_SLOT * slots) return;
    let jobs: MediaJob[];
    try {
      const now = new Date();
      jobs = await this.media.claim(
        this.owner,
        want,
        now,
        new Date(now.getTime() + this.config.RECORDINGS_CLAIM_TTL_MS),
      );
    } catch (error) {
      if (isDatabaseUnavailable(error))
        this.logger.warn({ msg: 'recording archiver waiting: database unavailable' });
      else this.logger.error({ msg: 'recording archiver could not claim work', error: String(error) });
      return;
    }
    for (const job of jobs) {
      const entry = { id: `${job.accountId}:${job.callId}:${job.kind}`, job, abort: new AbortController() };
      this.active.set(entry.id, entry);
      this.queued.push(entry);
    }
    this.startQueued();
  }

  /** Starts queued jobs while download slots are free. */
  private startQueued(): void {
    while (this.running && this.slots.free && this.queued.length > 0) {
      const { id, job, abort } = this.queued.shift()!;
      const hold = this.slots.take();
      const events: JobEvents = {
        received: () => {
          if (hold.received()) this.startQueued();
        },
        stored: () => {
          hold.release();
          this.startQueued();
        },
      };
      void this.process(job, abort.signal, events).finally(() => {
        this.active.delete(id);
        this.settle();
        // Its claim is gone: there is room to claim more.
        this.wake();
      });
    }
  }

  private settle(): void {
    if (this.active.size > 0 || this.filling) return;
    for (const resolve of this.idle) resolve();
    this.idle.clear();
  }

  private async renewClaims(): Promise<void> {
    const jobs = [...this.active.values()].map((entry) => entry.job);
    if (jobs.length === 0) return;
    try {
      await this.media.renew(this.owner, jobs, new Date(Date.now() + this.config.RECORDINGS_CLAIM_TTL_MS));
    } catch (error) {
      this.logger.warn({ msg: 'could not renew recording claims', error: String(error) });
    }
  }

  /**
   * One job to its end: archived, deleted, failed, or due again later. Its download slot is freed
   * once every byte has arrived (`events.received`): the storage's commit (fsync and rename, or an
   * upload's last part) runs outside it, and so does writing the outcome (`events.stored`).
   */
  private async process(job: MediaJob, signal: AbortSignal, events: JobEvents): Promise<void> {
    let outcome: MediaOutcome;
    try {
      outcome = await this.archive(job, signal, events.received);
    } catch (error) {
      outcome = this.failure(job, error, signal);
    } finally {
      events.stored();
    }
    try {
      const kept = await this.media.finish(this.owner, job, outcome);
      if (!kept) {
        this.logger.warn({
          msg: 'recording claim lost before the job ended',
          accountId: job.accountId,
          callId: job.callId,
        });
        // Purged meanwhile: the file just written belongs to no row.
        if (outcome.storageKey && !(await this.media.find(job.accountId, job.callId, job.kind)))
          await this.storage.delete(outcome.storageKey);
      }
      if (outcome.status === 'archived')
        this.metrics.inc('aircall_recordings_archived_total', 'Recordings and voicemails archived', {
          kind: job.kind,
        });
      if (outcome.status === 'failed')
        this.metrics.inc('aircall_recordings_failed_total', 'Recordings and voicemails given up on', {
          kind: job.kind,
        });
    } catch (error) {
      // The claim lapses and another attempt follows.
      this.logger.error({ msg: 'could not record the outcome of a recording job', error: String(error) });
    }
  }

  private async archive(job: MediaJob, signal: AbortSignal, received: () => void): Promise<MediaOutcome> {
    let link = job.link;
    let refreshes = job.refreshes;
    const fresh = async (): Promise<string> => {
      refreshes += 1;
      const answer = await this.refresher.refresh(job.accountId, job.callId, job.kind, 'background');
      if ('gone' in answer) throw await this.deleted(job, 'the call is gone at Aircall');
      if (answer.link === null) throw await this.deleted(job, `the ${job.kind} was deleted at Aircall`);
      return answer.link;
    };
    const expiresAt = link
      ? linkExpiresAt(link, job.linkSeenAt, this.config.RECORDINGS_LINK_TTL_SECONDS * 1000)
      : null;
    let refreshed = false;
    if (
      job.status === 'checking' ||
      link === null ||
      expiresAt === null ||
      expiresAt - EXPIRY_MARGIN_MS < Date.now()
    ) {
      link = await fresh();
      refreshed = true;
      // Aircall still has the file: an archived one stays as it is.
      if (job.status === 'checking' && holdsFile(job))
        return { status: 'archived', refreshes, lastError: null };
    }
    for (;;) {
      try {
        return { ...(await this.download(job, link, signal, received)), refreshes };
      } catch (error) {
        if (!(error instanceof MediaLinkDeadError) || refreshed) throw error;
        link = await fresh();
        refreshed = true;
      }
    }
  }

  private async download(
    job: MediaJob,
    link: string,
    signal: AbortSignal,
    received: () => void,
  ): Promise<MediaOutcome> {
    const file = await this.transfers.transfer(
      { accountId: job.accountId, callId: job.callId, kind: job.kind, link },
      signal,
      received,
    );
    return { status: 'archived', ...file, archivedAt: new Date(), lastError: null };
  }

  /** Deletes the archived file (if any) of media Aircall no longer has; the job ends as deleted. */
  private async deleted(job: MediaJob, reason: string): Promise<JobEnd> {
    if (job.storageKey) await this.storage.delete(job.storageKey);
    this.logger.log({
      msg: 'recording deleted: ' + reason,
      accountId: job.accountId,
      callId: job.callId,
      kind: job.kind,
    });
    return new JobEnd({ status: 'deleted', lastError: reason, storageKey: null });
  }

  /** The row after a job that did not archive. */
  private failure(job: MediaJob, error: unknown, signal: AbortSignal): MediaOutcome {
    if (error instanceof JobEnd) return error.outcome;
    const message = error instanceof Error ? error.message : String(error);
    const attempts = job.attempts + 1;
    if (error instanceof MediaRefusedError) return { status: 'failed', attempts, lastError: message };
    // The link is dead and no fresh one can be had (credentials revoked, account disconnected): a
    // later snapshot with a link makes it pending again.
    if (error instanceof AircallAuthError || error instanceof AccountNotConnectedError)
      return { status: 'expired', attempts, lastError: message };
    if (error instanceof MediaLinkDeadError && attempts >= this.config.RECORDINGS_MAX_ATTEMPTS)
      return { status: 'expired', attempts, lastError: message };
    if (signal.aborted) return { status: job.status, lastError: message, nextAttemptAt: new Date() };
    if (attempts >= this.config.RECORDINGS_MAX_ATTEMPTS)
      return { status: 'failed', attempts, lastError: message };
    if (!(error instanceof MediaTransientError || error instanceof MediaLinkDeadError))
      this.logger.warn({
        msg: 'recording download failed',
        accountId: job.accountId,
        callId: job.callId,
        error: message,
      });
    return {
      status: job.status === 'checking' ? 'checking' : 'pending',
      attempts,
      lastError: message,
      nextAttemptAt: new Date(
        Date.now() + archiveRetryDelayMs(attempts, this.config.RECORDINGS_RETRY_BASE_MS),
      ),
    };
  }
}
