import { createHash } from 'node:crypto';
import { hash32 } from './seeded-random';

/**
 * A deterministic MP3 of any size, produced in chunks from a seed: MPEG-1 Layer III, 128 kbps,
 * 44.1 kHz, mono frames of 417 or 418 bytes (the padding bit chooses), each silent (zero side info)
 * and carrying seeded ancillary bytes so that two files differ. Any byte range is produced without
 * producing what precedes it, so a 1 GB file costs no memory and a Range request no waste.
 */
export const MP3_BITRATE = 128_000;
export const MP3_SAMPLE_RATE = 44_100;
const SAMPLES_PER_FRAME = 1152;
/** floor(144 × 128000 / 44100): a frame without its padding byte. */
export const MP3_FRAME_BYTES = 417;
const HEADER = [0xff, 0xfb, 0x90, 0xc4];
const PADDING_BIT = 0x02;
/** Side information of a mono MPEG-1 frame: all zero, so each granule decodes to silence. */
const SIDE_INFO_BYTES = 17;
const CHUNK_BYTES = 64 * 1024;

/** How `size` bytes are laid out: `frames` frames, `padded` of them 418 bytes, then zero filler. */
export interface Mp3Layout {
  size: number;
  frames: number;
  padded: number;
}

/** One file: its bytes follow from the seed and the size alone. */
export interface Mp3File {
  seed: number;
  size: number;
}

export function mp3Layout(size: number): Mp3Layout {
  if (!Number.isSafeInteger(size) || size < MP3_FRAME_BYTES)
    throw new Error(`simulator: an MP3 needs at least ${MP3_FRAME_BYTES} bytes (got ${size})`);
  const frames = Math.floor(size / MP3_FRAME_BYTES);
  // From about 170 KiB on every size is whole frames; smaller sizes end with under 417 bytes of filler.
  return { size, frames, padded: Math.min(frames, size - frames * MP3_FRAME_BYTES) };
}

/** Playing time of the file: whole frames of 1152 samples (about bytes × 8 / 128 kbps). */
export function mp3DurationSeconds(size: number): number {
  return (mp3Layout(size).frames * SAMPLES_PER_FRAME) / MP3_SAMPLE_RATE;
}

/** Byte offset of frame `index` (padded frames spread evenly, so this needs no walk). */
function frameStart(layout: Mp3Layout, index: number): number {
  return MP3_FRAME_BYTES * index + Math.floor((index * layout.padded) / layout.frames);
}

function frameAt(layout: Mp3Layout, offset: number): number {
  let index = Math.min(layout.frames - 1, Math.floor(offset / (MP3_FRAME_BYTES + 1)));
  while (index + 1 < layout.frames && frameStart(layout, index + 1) <= offset) index += 1;
  return index;
}

/** Writes frame `index` into `frame` (418 bytes at least) and returns its length. */
function renderFrame(file: Mp3File & { layout: Mp3Layout }, index: number, frame: Buffer): number {
  const { layout, seed } = file;
  const length = frameStart(layout, index + 1) - frameStart(layout, index);
  frame[0] = HEADER[0];
  frame[1] = HEADER[1];
  frame[2] = HEADER[2] | (length > MP3_FRAME_BYTES ? PADDING_BIT : 0);
  frame[3] = HEADER[3];
  frame.fill(0, 4, 4 + SIDE_INFO_BYTES);
  let state = hash32(seed, index) | 1;
  for (let at = 4 + SIDE_INFO_BYTES; at < length; at += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    // Below 0x80, so no ancillary byte can look like a frame sync (0xFFF) to a scanning parser.
    frame[at] = state & 0x7f;
  }
  return length;
}

/** Bytes [start, end) of the file (default all of it), in chunks of at most `chunkBytes`. */
export function* mp3Chunks(
  file: Mp3File,
  range: { start: number; end: number } = { start: 0, end: file.size },
  chunkBytes = CHUNK_BYTES,
): Generator<Buffer> {
  const { start, end } = range;
  const layout = mp3Layout(file.size);
  const laidOut = { ...file, layout };
  const dataEnd = frameStart(layout, layout.frames);
  const frame = Buffer.alloc(MP3_FRAME_BYTES + 1);
  let index = start < dataEnd ? frameAt(layout, start) : layout.frames;
  for (let position = start; position < end;) {
    const chunk = Buffer.alloc(Math.min(chunkBytes, end - position));
    let filled = 0;
    while (filled < chunk.length && index < layout.frames) {
      const offset = frameStart(layout, index);
      const length = renderFrame(laidOut, index, frame);
      const from = position + filled - offset;
      const copied = frame.copy(chunk, filled, from, Math.min(length, from + chunk.length - filled));
      filled += copied;
      if (from + copied >= length) index += 1;
    }
    // Past the last frame the chunk stays zero: the filler of sizes that are not whole frames.
    position += chunk.length;
    yield chunk;
  }
}

/** S3's single-part ETag of the file: the MD5 of its bytes, in hex. */
export function mp3Md5(file: Mp3File): string {
  const md5 = createHash('md5');
  for (const chunk of mp3Chunks(file)) md5.update(chunk);
  return md5.digest('hex');
}
