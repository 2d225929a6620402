import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : value === 'true' || value === '1'
      ? true
      : value === 'false' || value === '0'
        ? false
        : value;
const urlOptions = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * A secret sent as `Authorization: Bearer <secret>`: the characters a bearer token can carry
 * (RFC 6750's b64token), at least 24 of them. A key with a space could never authenticate.
 */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]{24,}=*$/;
const BEARER_TOKEN_MESSAGE =
  'must be at least 24 characters of A-Z a-z 0-9 - . _ ~ + / (what an Authorization: Bearer header can carry)';

/**
 * Every setting of the service, read once from the environment at start and validated.
 * The names and defaults are the contract in docs/architecture.md ("Configuration").
 */
export class AppConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /**
   * A second port serving only GET /health and GET /metrics (for probes and Prometheus on the internal
   * network); the public port then answers 404 for them. Unset: both are served on PORT.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  OPS_PORT?: number;

  /** Address the OPS_PORT listener binds to. */
  @IsString()
  @MinLength(1)
  OPS_HOST = '0.0.0.0';

  /** When set, GET /health and GET /metrics need `Authorization: Bearer <OPS_TOKEN>`. */
  @IsOptional()
  @Matches(BEARER_TOKEN, { message: BEARER_TOKEN_MESSAGE })
  OPS_TOKEN?: string;

  /**
   * Open connections the public listener keeps at once; more are refused until some close, so slow or
   * idle clients cannot hold every socket of the process.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  HTTP_MAX_CONNECTIONS = 2000;

  /** `mysql://user:pass@host:3306/db` or `sqlite:PATH` (`sqlite::memory:` for throwaway databases). */
  @Matches(/^(mysql|mariadb):\/\/[^/]+\/[A-Za-z0-9_$-]+(\?.*)?$|^sqlite:.+$/, {
    message: 'must be mysql://user:pass@host:port/database or sqlite:PATH',
  })
  DATABASE_URL = 'sqlite:./data/aircall-sync.sqlite';

  /** Apply pending migrations when the service starts. */
  @Transform(toBool)
  @IsIn([true, false], { message: 'must be true or false' })
  DATABASE_MIGRATE = true;

  /**
   * Longest one database statement of a GraphQL request may run, in ms. MySQL stops it there
   * (MariaDB max_statement_time, MySQL MAX_EXECUTION_TIME); on a SQLite file it runs on a reader
   * thread abandoned at that point. The request then fails with QUERY_TIMEOUT.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  READ_STATEMENT_TIMEOUT_MS = 10_000;

  /** Threads reading a SQLite file for GraphQL, off the main thread (0: on the main thread). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(16)
  SQLITE_READ_THREADS = 2;

  /**
   * MySQL: how long the client waits for any statement before it drops the connection (a server that
   * stopped answering without closing it), in ms. Migrations run without it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  DATABASE_QUERY_TIMEOUT_MS = 30_000;

  /**
   * Longest a webhook delivery waits for its inbox row to be written before it is answered 503, in
   * ms: Aircall gives up after 5 s and retries, so a database that stopped answering gets a fast 503
   * rather than a timeout.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(4500)
  WEBHOOK_STORE_TIMEOUT_MS = 3000;

  @IsUrl(urlOptions, { message: 'must be an http(s) URL' })
  PUBLIC_URL = 'http://localhost:3000';

  @IsUrl(urlOptions, { message: 'must be an http(s) URL' })
  AIRCALL_API_URL = 'https://api.aircall.io';

  @IsUrl(urlOptions, { message: 'must be an http(s) URL' })
  AIRCALL_DASHBOARD_URL = 'https://dashboard.aircall.io';

  @IsOptional()
  @IsString()
  @MinLength(1)
  AIRCALL_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  AIRCALL_CLIENT_SECRET?: string;

  /** 32 bytes, base64. Required with MySQL; generated into the data directory for SQLite. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes encoded as base64 (44 characters)' })
  ENCRYPTION_KEY?: string;

  @IsOptional()
  @Matches(BEARER_TOKEN, { message: BEARER_TOKEN_MESSAGE })
  ADMIN_API_KEY?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  AIRCALL_RATE_LIMIT = 60;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  AIRCALL_RATE_WINDOW_MS = 60_000;

  /** Per-request timeout of calls to the Aircall API, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  AIRCALL_REQUEST_TIMEOUT_MS = 30_000;

  /** Attempts per Aircall request on 5xx / network / malformed answers, the first included. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  AIRCALL_MAX_ATTEMPTS = 5;

  /** Base delay of the exponential backoff (full jitter) between those attempts, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  AIRCALL_RETRY_BASE_MS = 500;

  /** Cron expression (5 or 6 fields) of the incremental sync of every account; `off` disables it. */
  @Matches(/^(off|(\S+\s+){4,5}\S+)$/, { message: 'must be a cron expression of 5 or 6 fields, or "off"' })
  SYNC_CRON = '*/15 * * * *';

  /** Cron expression of the check that re-activates webhooks Aircall deactivated or deleted; `off` disables it. */
  @Matches(/^(off|(\S+\s+){4,5}\S+)$/, { message: 'must be a cron expression of 5 or 6 fields, or "off"' })
  WEBHOOK_CHECK_CRON = '*/10 * * * *';

  /**
   * How long one instance's hold on the webhook check lasts, in ms: extended after each account checked,
   * so it must exceed the check of one account (a few Aircall requests); a dead holder blocks the check
   * at most this long.
   */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  WEBHOOK_CHECK_LEASE_TTL_MS = 300_000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(180)
  SYNC_RECONCILE_DAYS = 3;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  BACKFILL_DAYS = 30;

  /**
   * How long an instance's hold on an account's sync lasts without renewal, in ms. The holder renews it
   * every third of this while it runs; a dead instance blocks the account's sync at most this long.
   */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  SYNC_LEASE_TTL_MS = 60_000;

  /** Calls re-read one by one (GET /v1/calls/:id) per sync run because their stored state looks unfinished. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000)
  SYNC_REREAD_LIMIT = 200;

  /**
   * Largest webhook body accepted, in bytes (413 above). Call events are 2–4 KiB; the largest
   * documented payload is a call's transcript (`transcription.created`): a 4-hour call, Aircall's
   * recording limit, is about 0.5–0.8 MB of utterances, up to 2 MB in non-Latin scripts
   * (docs/aircall-behaviour.md §2). 4 MiB leaves twice that, and stays well under MySQL's
   * max_allowed_packet (16 MiB on MariaDB) once escaped.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(8 * 1024 * 1024)
  WEBHOOK_MAX_BODY_BYTES = 4 * 1024 * 1024;

  /** How often the inbox processor looks for work when it was not woken by a delivery. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  INBOX_POLL_MS = 250;

  /**
   * Multi-row inbox INSERTs one instance keeps in flight on MySQL (SQLite: always 1). Deliveries that
   * arrive while they run go together in the next one, so fewer writers make bigger batches.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  INBOX_INSERT_CONCURRENCY = 1;

  /**
   * Fair share between tenants: one account's deliveries become due for applying at most this many
   * per second (a burst is spread over the following seconds). The processor applies due rows
   * oldest first, so another account's delivery waits behind at most the rows already due when it
   * arrived, and a noisy account adds at most this many a second to them. Aircall sends one company
   * a few events per call, so the default is far above any real company's rate.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  INBOX_FAIR_SHARE_PER_SECOND = 1000;

  /** Inbox rows applied per database transaction. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(5000)
  INBOX_BATCH_SIZE = 200;

  /** Inbox batches applied concurrently by one instance on MySQL (SQLite: always 1). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  INBOX_CONCURRENCY = 1;

  /**
   * On MySQL, apply the inbox in a worker thread of its own (its own event loop and connection pool),
   * so applying never delays a webhook's acknowledgement and gets its share of the CPU under a
   * sustained intake. SQLite has one writer: its processor always runs in the main thread.
   */
  @Transform(toBool)
  @IsIn([true, false], { message: 'must be true or false' })
  INBOX_PROCESSOR_THREAD = true;

  /**
   * Linux: the nice value of the processor thread (0–19; 0 leaves it at the process's). When the
   * CPU is short, acknowledging deliveries comes first: Aircall retries and then disables a webhook
   * that answers late, while applying can catch up afterwards. With idle cores it changes nothing.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(19)
  INBOX_PROCESSOR_NICE = 10;

  /** Set to false to run an instance that only ingests (the processor then runs elsewhere). */
  @Transform(toBool)
  @IsIn([true, false], { message: 'must be true or false' })
  INBOX_PROCESSOR = true;

  /** Applied inbox rows are deleted after this many days (0 keeps them forever); other statuses are kept. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  WEBHOOK_RETENTION_DAYS = 30;

  /** How long GET /health and the /metrics collectors wait for the database before calling it unreachable, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(30_000)
  HEALTH_TIMEOUT_MS = 1000;

  /**
   * On SIGTERM/SIGINT: how long in-flight requests and the current inbox batch get to finish before the
   * process exits anyway, in ms (under Kubernetes' default 30 s grace period).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 25_000;

  /**
   * What happens to call recordings and voicemails, whose Aircall links expire within hours: `off`
   * serves the stored link as it is; `links` re-reads the call for a fresh link when the stored one is
   * too old; `archive` also downloads every file into RECORDINGS_STORAGE and serves it from there.
   */
  @IsIn(['off', 'links', 'archive'])
  RECORDINGS: 'off' | 'links' | 'archive' = 'links';

  /** Where archived files go: a directory (RECORDINGS_DIR) or an S3-compatible bucket (RECORDINGS_S3_*). */
  @IsIn(['local', 's3'])
  RECORDINGS_STORAGE: 'local' | 's3' = 'local';

  /** The local archive's directory; default `recordings/` next to the SQLite file (./data/recordings with MySQL). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  RECORDINGS_DIR?: string;

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name' })
  RECORDINGS_S3_BUCKET?: string;

  /** Prefix of every object key (e.g. `aircall-sync/`). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9!_.*'()/-]{1,200}$/, { message: 'must be a key prefix of safe characters' })
  RECORDINGS_S3_PREFIX?: string;

  /** Region of the bucket; default the SDK's own (AWS_REGION). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  RECORDINGS_S3_REGION?: string;

  /** Endpoint of an S3-compatible store (MinIO, R2, Ceph…); default AWS. */
  @IsOptional()
  @IsUrl(urlOptions, { message: 'must be an http(s) URL' })
  RECORDINGS_S3_ENDPOINT?: string;

  /** Path-style requests (`endpoint/bucket/key`), which most S3-compatible stores need. */
  @Transform(toBool)
  @IsIn([true, false], { message: 'must be true or false' })
  RECORDINGS_S3_FORCE_PATH_STYLE = false;

  /** Server-side encryption of archived objects. */
  @IsOptional()
  @IsIn(['AES256', 'aws:kms'])
  RECORDINGS_S3_SSE?: 'AES256' | 'aws:kms';

  @IsOptional()
  @IsString()
  @MinLength(1)
  RECORDINGS_S3_KMS_KEY_ID?: string;

  /**
   * Hosts a recording or voicemail link may point to (comma-separated; `*.example.com` matches its
   * subdomains). Any other link — a delivery could carry anything — is never fetched, nor a redirect
   * elsewhere. The defaults are the hosts Aircall's links use (docs/aircall-behaviour.md §11).
   */
  @Matches(/^(\*\.)?[A-Za-z0-9.-]+(:\d+)?(,\s*(\*\.)?[A-Za-z0-9.-]+(:\d+)?)*$/, {
    message: 'must be a comma-separated list of host names (optionally *.domain or host:port)',
  })
  RECORDINGS_ALLOWED_HOSTS = 'aircall.s3.us-west-2.amazonaws.com,short-urls.aircall.io';

  /** Downloads one instance runs at once (a received file is committed to storage outside its slot). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  RECORDINGS_CONCURRENCY = 4;

  /** Largest file archived, in bytes; a bigger one is marked FAILED (Aircall records at most 4 hours). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  RECORDINGS_MAX_BYTES = 512 * 1024 * 1024;

  /** Failed downloads (not counting expired links, which are refreshed) before a file is marked FAILED. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  RECORDINGS_MAX_ATTEMPTS = 8;

  /** First delay before a failed download is tried again, in ms; it doubles with each attempt, up to an hour. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  RECORDINGS_RETRY_BASE_MS = 10_000;

  /** A download that receives nothing for this long is abandoned and retried, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  RECORDINGS_IDLE_TIMEOUT_MS = 30_000;

  /** How long an instance's claim on a download lasts without renewal, in ms (renewed every third). */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  RECORDINGS_CLAIM_TTL_MS = 120_000;

  /** How often the archiver looks for work when nothing woke it, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  RECORDINGS_POLL_MS = 2000;

  /**
   * How long an Aircall link lives when it does not say (links carrying `X-Amz-Expires` are read):
   * 1 hour per Aircall's reference (docs/aircall-behaviour.md §11).
   */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  RECORDINGS_LINK_TTL_SECONDS = 3600;

  /** Life of the links this service hands out for archived files, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(7 * 86_400)
  RECORDINGS_URL_TTL_SECONDS = 3600;

  /** Aircall re-reads one GraphQL request may make for fresh links (each costs the company's rate budget). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(50)
  RECORDINGS_REFRESHES_PER_REQUEST = 10;

  /** Archived files of calls older than this many days are deleted (0 keeps them). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RECORDINGS_RETENTION_DAYS = 0;

  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose', 'silent'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' | 'silent' = 'log';
}

export class ConfigError extends Error {}

function describe(error: ValidationError): string {
  const constraints = Object.values(error.constraints ?? {});
  const shown =
    error.property.includes('SECRET') || error.property.includes('KEY') || error.property.includes('TOKEN')
      ? '(hidden)'
      : JSON.stringify(error.value);
  return `${error.property}=${shown}: ${constraints.join('; ')}`;
}

/** Parses and validates the environment; throws a ConfigError whose message names each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const input: Record<string, string> = {};
  for (const key of [
    ...known,
    'AIRCALL_CLIENT_ID',
    'AIRCALL_CLIENT_SECRET',
    'ENCRYPTION_KEY',
    'ADMIN_API_KEY',
    'OPS_PORT',
    'OPS_TOKEN',
    'RECORDINGS_DIR',
    'RECORDINGS_S3_BUCKET',
    'RECORDINGS_S3_PREFIX',
    'RECORDINGS_S3_REGION',
    'RECORDINGS_S3_ENDPOINT',
    'RECORDINGS_S3_SSE',
    'RECORDINGS_S3_KMS_KEY_ID',
  ]) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const config = plainToInstance(AppConfig, input, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration: ${errors.map(describe).join(' | ')}`);
  }
  if (config.DATABASE_URL.startsWith('mysql') || config.DATABASE_URL.startsWith('mariadb')) {
    if (!config.ENCRYPTION_KEY) {
      throw new ConfigError(
        'Invalid configuration: ENCRYPTION_KEY is required with a MySQL DATABASE_URL (32 bytes, base64; e.g. `openssl rand -base64 32`)',
      );
    }
  }
  if (Boolean(config.AIRCALL_CLIENT_ID) !== Boolean(config.AIRCALL_CLIENT_SECRET)) {
    throw new ConfigError(
      'Invalid configuration: AIRCALL_CLIENT_ID and AIRCALL_CLIENT_SECRET must be set together',
    );
  }
  if (config.RECORDINGS_STORAGE === 's3' && !config.RECORDINGS_S3_BUCKET) {
    throw new ConfigError('Invalid configuration: RECORDINGS_STORAGE=s3 needs RECORDINGS_S3_BUCKET');
  }
  if (config.RECORDINGS_S3_SSE === 'aws:kms' && !config.RECORDINGS_S3_KMS_KEY_ID) {
    throw new ConfigError('Invalid configuration: RECORDINGS_S3_SSE=aws:kms needs RECORDINGS_S3_KMS_KEY_ID');
  }
  return config;
}
