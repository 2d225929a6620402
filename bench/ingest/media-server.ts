import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { mp3Chunks } from '../../test/simulator/mp3-file';

/**
 * The media host of the ingestion section's archiving-on contender, in a process of its own: every
 * GET, whatever its path, answers the same MP3 of MEDIA_BYTES (1 MiB by default, about a minute at
 * 128 kbit/s), built once and sent from memory with `Content-Length`, an MD5 `ETag` and
 * `audio/mpeg`, so what the service archives costs this process next to nothing. PORT from the
 * environment, as for every server the bench starts.
 */
const bytes = Number(process.env.MEDIA_BYTES ?? 1024 * 1024);
const file = Buffer.concat([...mp3Chunks({ seed: 19, size: bytes })]);
const etag = `"${createHash('md5').update(file).digest('hex')}"`;

createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  res.writeHead(200, {
    'content-type': 'audio/mpeg',
    'content-length': String(file.length),
    etag,
  });
  res.end(req.method === 'GET' ? file : undefined);
}).listen(Number(process.env.PORT), '127.0.0.1');
