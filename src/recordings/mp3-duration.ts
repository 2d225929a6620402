/** Bitrates (kbit/s) by index, for MPEG-1 and MPEG-2/2.5 Layer III. */
const BITRATES = {
  v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = { v1: [44100, 48000, 32000], v2: [22050, 24000, 16000], v25: [11025, 12000, 8000] };

interface FrameInfo {
  offset: number;
  bitrate: number;
  sampleRate: number;
  samplesPerFrame: number;
  /** Frames in the file, from a Xing/Info header (variable bitrate); null for constant bitrate. */
  frames: number | null;
}

/** The size of an ID3v2 tag at the start of `head` (syncsafe integer), 0 when there is none. */
function id3Size(head: Buffer): number {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size =
    ((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7) | (head[9] & 0x7f);
  return 10 + size + (head[5] & 0x10 ? 10 : 0);
}

function firstFrame(head: Buffer): FrameInfo | null {
  for (let i = id3Size(head); i + 4 <= head.length; i++) {
    if (head[i] !== 0xff || (head[i + 1] & 0xe0) !== 0xe0) continue;
    const version = (head[i + 1] >> 3) & 0x03; // 0: 2.5, 2: 2, 3: 1
    const layer = (head[i + 1] >> 1) & 0x03; // 1: Layer III
    const bitrateIndex = head[i + 2] >> 4;
    const rateIndex = (head[i + 2] >> 2) & 0x03;
    if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
      continue;
    const v1 = version === 3;
    const bitrate = (v1 ? BITRATES.v1 : BITRATES.v2)[bitrateIndex] * 1000;
    const sampleRate = (v1 ? SAMPLE_RATES.v1 : version === 2 ? SAMPLE_RATES.v2 : SAMPLE_RATES.v25)[rateIndex];
    const samplesPerFrame = v1 ? 1152 : 576;
    const mono = head[i + 3] >> 6 === 3;
    const sideInfo = v1 ? (mono ? 17 : 32) : mono ? 9 : 17;
    const tag = i + 4 + sideInfo;
    let frames: number | null = null;
    if (tag + 12 <= head.length) {
      const name = head.toString('latin1', tag, tag + 4);
      if ((name === 'Xing' || name === 'Info') && head.readUInt32BE(tag + 4) & 0x1)
        frames = head.readUInt32BE(tag + 8);
    }
    return { offset: i, bitrate, sampleRate, samplesPerFrame, frames };
  }
  return null;
}

/**
 * The duration in whole seconds of an MP3 of `totalBytes` whose first bytes are `head` (the first
 * 64 KiB suffice): from the Xing/Info frame count when there is one, else from the first frame's
 * constant bitrate. Null when `head` holds no MPEG audio frame (a file that is not an MP3).
 */
export function mp3DurationSeconds(head: Buffer, totalBytes: number): number | null {
  const frame = firstFrame(head);
  if (!frame) return null;
  if (frame.frames !== null) return Math.round((frame.frames * frame.samplesPerFrame) / frame.sampleRate);
  return Math.round(((totalBytes - frame.offset) * 8) / frame.bitrate);
}
