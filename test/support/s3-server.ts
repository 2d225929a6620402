import { CreateBucketCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** The bucket every test S3 server starts with, and the credentials it accepts. */
export const S3_BUCKET = 'recordings';
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Server {
  endpoint: string;
  /** `key uploadId` of every multipart upload neither completed nor aborted, as ListMultipartUploads says. */
  pendingUploads(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * s3rver on a free port of 127.0.0.1, its data in a temp folder, with the bucket created. It runs in
 * a child process: s3rver buffers the parts it receives, and in the test's own heap they would count
 * against the memory bounds the storage suites assert.
 */
export async function startS3Server(): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 's3-server-child.ts'), directory],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(\d+)\n/.exec(out);
      if (line) resolve(Number(line[1]));
    });
    child.once('exit', (code) => reject(new Error(`the s3rver child exited (${code}) before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: S3_CREDENTIALS,
  });
  await client.send(new CreateBucketCommand({ Bucket: S3_BUCKET }));
  return {
    endpoint,
    pendingUploads: async () => {
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: S3_BUCKET }));
      return (listed.Uploads ?? []).map((u) => `${u.Key} ${u.UploadId}`);
    },
    stop: async () => {
      client.destroy();
      child.kill('SIGTERM');
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The S3 server itself (in the child process): s3rver, with what it lacks answered beside it. */
export async function serveS3(directory: string): Promise<Server> {
  const s3rver = new S3rver({ silent: true, directory });
  const passOn = s3rver.callback();
  const server = createServer((req, res) => {
    if (!answerWhatS3rverLacks(req, res, directory)) passOn(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * s3rver 3.7 answers ListMultipartUploads 501 and AbortMultipartUpload 405; both are answered here
 * from s3rver's own folder of pending uploads (`<bucket>/._S3rver_uploads/<uploadId>/key`), so the
 * abort a failed write sends is observed for real. Every other request goes to s3rver unchanged.
 */
function answerWhatS3rverLacks(req: IncomingMessage, res: ServerResponse, directory: string): boolean {
  const url = new URL(req.url ?? '/', 'http://s3rver');
  const [bucket = '', ...keyPath] = url.pathname.slice(1).split('/').map(decodeURIComponent);
  const uploadsOf = join(directory, bucket, '._S3rver_uploads');
  const uploadId = url.searchParams.get('uploadId');
  if (req.method === 'GET' && url.searchParams.has('uploads') && keyPath.join('') === '') {
    void listUploads(uploadsOf).then((uploads) => {
      const entries = uploads.map(
        (u) => `<Upload><Key>${xml(u.key)}</Key><UploadId>${u.id}</UploadId></Upload>`,
      );
      reply(
        res,
        200,
        `<ListMultipartUploadsResult><Bucket>${xml(bucket)}</Bucket>${entries.join('')}</ListMultipartUploadsResult>`,
      );
    });
    return true;
  }
  if (req.method === 'DELETE' && uploadId !== null) {
    const key = keyPath.join('/');
    void listUploads(uploadsOf).then(async (uploads) => {
      if (!uploads.some((u) => u.id === uploadId && u.key === key)) {
        reply(res, 404, '<Error><Code>NoSuchUpload</Code><Message>no such upload</Message></Error>');
        return;
      }
      await rm(join(uploadsOf, uploadId), { recursive: true, force: true });
      res.writeHead(204).end();
    });
    return true;
  }
  return false;
}

async function listUploads(folder: string): Promise<Array<{ id: string; key: string }>> {
  const ids = await readdir(folder).catch(() => []);
  return Promise.all(ids.map(async (id) => ({ id, key: await readFile(join(folder, id, 'key'), 'utf8') })));
}

function reply(res: ServerResponse, status: number, body: string): void {
  res
    .writeHead(status, { 'content-type': 'application/xml' })
    .end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
