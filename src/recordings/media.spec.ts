import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { SecretBox } from '../crypto/secret-box';
import { MediaMeter, MediaRefusedError, MediaTransientError, vouchedMd5 } from './media-fetch';
import { HostAllowList, linkExpiresAt } from './media-links';
import { signMediaGrant, verifyMediaGrant } from './media-tokens';
import { mp3DurationSeconds } from './mp3-duration';

describe('HostAllowList', () => {
  const list = new HostAllowList(
    'aircall.s3.us-west-2.amazonaws.com, short-urls.aircall.io,*.cdn.example.com,127.0.0.1:9000',
  );

  it.each([
    ['https://aircall.s3.us-west-2.amazonaws.com/calls/1/recording.mp3?X-Amz-Signature=x', true],
    ['https://short-urls.aircall.io/v1/abc', true],
    ['https://eu.cdn.example.com/a.mp3', true],
    ['http://127.0.0.1:9000/media/1.mp3', true],
    ['http://127.0.0.1:9001/media/1.mp3', false],
    ['https://cdn.example.com/a.mp3', false],
    ['https://aircall.s3.us-west-2.amazonaws.com.evil.io/a.mp3', false],
    ['https://evil.io/aircall.s3.us-west-2.amazonaws.com', false],
    ['https://user:pw@short-urls.aircall.io/v1/abc', false],
    ['file:///etc/passwd', false],
    ['http://169.254.169.254/latest/meta-data', false],
  ])('%s → %s', (link, allowed) => {
    expect(list.allows(new URL(link))).toBe(allowed);
  });
});

describe('linkExpiresAt', () => {
  const seen = new Date('2026-12-02T10:00:00Z');

  it('reads a presigned link (X-Amz-Date + X-Amz-Expires)', () => {
    const link =
      'https://h/a.mp3?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261202T093000Z&X-Amz-Expires=3600&X-Amz-Signature=ab';
    expect(new Date(linkExpiresAt(link, seen, 1)!).toISOString()).toBe('2026-12-02T10:30:00.000Z');
  });

  it('reads the older Expires=<unix>', () => {
    expect(linkExpiresAt('https://h/a.mp3?Expires=1764672000&Signature=x', seen, 1)).toBe(1_764_672_000_000);
  });

  it('falls back to when the link was seen plus its assumed life', () => {
    expect(linkExpiresAt('https://h/a.mp3', seen, 3_600_000)).toBe(seen.getTime() + 3_600_000);
    expect(linkExpiresAt('https://h/a.mp3', null, 3_600_000)).toBeNull();
    expect(linkExpiresAt('not a url', seen, 1)).toBeNull();
  });
});

/** An MPEG-1 Layer III frame header: 128 kbit/s, 44.1 kHz, stereo (417-byte frames). */
const FRAME_HEADER = Buffer.from([0xff, 0xfb, 0x90, 0x00]);

describe('mp3DurationSeconds', () => {
  it('computes a constant-bitrate file from its first frame', () => {
    const head = Buffer.concat([FRAME_HEADER, Buffer.alloc(413)]);
    // 128 kbit/s = 16,000 bytes a second.
    expect(mp3DurationSeconds(head, 16_000 * 90)).toBe(90);
  });

  it('skips an ID3v2 tag', () => {
    const tag = Buffer.concat([
      Buffer.from('ID3'),
      Buffer.from([4, 0, 0, 0, 0, 0x01, 0x00]),
      Buffer.alloc(128),
    ]);
    const head = Buffer.concat([tag, FRAME_HEADER, Buffer.alloc(413)]);
    expect(mp3DurationSeconds(head, tag.length + 16_000 * 10)).toBe(10);
  });

  it('uses a Xing frame count for variable bitrate', () => {
    const frame = Buffer.alloc(417);
    FRAME_HEADER.copy(frame, 0);
    frame.write('Xing', 4 + 32, 'latin1');
    frame.writeUInt32BE(1, 4 + 32 + 4);
    frame.writeUInt32BE(3828, 4 + 32 + 8); // 3828 × 1152 / 44100 ≈ 100 s
    expect(mp3DurationSeconds(frame, 123_456)).toBe(100);
  });

  it('says null for bytes that are not MPEG audio', () => {
    expect(mp3DurationSeconds(Buffer.from('<Error><Code>AccessDenied</Code></Error>'), 40)).toBeNull();
  });
});

describe('media links of this service', () => {
  const secrets = new SecretBox(Buffer.alloc(32, 7));
  const grant = { accountId: '42', callId: '9001', kind: 'recording' as const, expiresAt: 2_000_000_000 };

  it('verifies what it signed, until it expires', () => {
    const token = signMediaGrant(secrets, grant);
    expect(verifyMediaGrant(secrets, token, 1_999_999_999)).toEqual({ grant });
    expect(verifyMediaGrant(secrets, token, 2_000_000_001)).toEqual({ refused: 'expired' });
  });

  it('refuses a token changed in any part, or signed with another key', () => {
    const token = signMediaGrant(secrets, grant);
    expect(verifyMediaGrant(secrets, token.replace('.9001.', '.9002.'), 0)).toEqual({ refused: 'forged' });
    expect(verifyMediaGrant(secrets, token.replace('.2000000000.', '.2000000099.'), 0)).toEqual({
      refused: 'forged',
    });
    expect(verifyMediaGrant(new SecretBox(Buffer.alloc(32, 8)), token, 0)).toEqual({ refused: 'forged' });
    expect(verifyMediaGrant(secrets, '../../etc/passwd', 0)).toEqual({ refused: 'malformed' });
  });
});

describe('MediaMeter', () => {
  const body = Buffer.from('x'.repeat(10_000));
  const md5 = createHash('md5').update(body).digest('hex');
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });

  it('counts and hashes what passes', async () => {
    const meter = new MediaMeter({ length: body.length, md5, maxBytes: 1e6 });
    await pipeline(Readable.from([body.subarray(0, 3000), body.subarray(3000)]), meter, sink());
    expect(meter.bytes).toBe(10_000);
    expect(meter.sha256Hex).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('fails a body shorter than announced', async () => {
    const meter = new MediaMeter({ length: body.length + 1, md5: null, maxBytes: 1e6 });
    await expect(pipeline(Readable.from([body]), meter, sink())).rejects.toBeInstanceOf(MediaTransientError);
  });

  it('fails a body whose MD5 is not the ETag', async () => {
    const meter = new MediaMeter({ length: null, md5: '0'.repeat(32), maxBytes: 1e6 });
    await expect(pipeline(Readable.from([body]), meter, sink())).rejects.toThrow(/checksum/);
  });

  it('stops a body past the cap', async () => {
    const meter = new MediaMeter({ length: null, md5: null, maxBytes: 5_000 });
    await expect(pipeline(Readable.from([body]), meter, sink())).rejects.toBeInstanceOf(MediaRefusedError);
  });
});

describe('vouchedMd5', () => {
  const md5 = '9e107d9d372bb6826bd81d3542a419d6';
  const headers = (values: Record<string, string>) => (name: string) => values[name] ?? null;

  it('reads a single-part ETag, plaintext or SSE-S3, as the MD5 of the content', () => {
    expect(vouchedMd5(headers({ etag: `"${md5.toUpperCase()}"` }))).toBe(md5);
    expect(vouchedMd5(headers({ etag: `"${md5}"`, 'x-amz-server-side-encryption': 'AES256' }))).toBe(md5);
  });

  it('reads no MD5 in a multipart ETag, an SSE-KMS or SSE-C object, or no ETag', () => {
    expect(vouchedMd5(headers({ etag: `"${md5}-3"` }))).toBeNull();
    expect(vouchedMd5(headers({ etag: `"${md5}"`, 'x-amz-server-side-encryption': 'aws:kms' }))).toBeNull();
    expect(
      vouchedMd5(headers({ etag: `"${md5}"`, 'x-amz-server-side-encryption': 'aws:kms:dsse' })),
    ).toBeNull();
    expect(
      vouchedMd5(headers({ etag: `"${md5}"`, 'x-amz-server-side-encryption-customer-algorithm': 'AES256' })),
    ).toBeNull();
    expect(vouchedMd5(headers({}))).toBeNull();
  });
});
