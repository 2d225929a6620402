/** One job's hold on the slots, from its start to its end. */
export interface SlotHold {
  /**
   * Every byte of the file has arrived: hands the download slot back while the file is committed.
   * When `size` files are committing out of their slots already, the file commits in its slot, and
   * hands it back as soon as one of them ends. True when the slot was freed now.
   */
  received(): boolean;
  /** The job holds nothing any more (stored, failed or aborted); idempotent. */
  release(): void;
}

/**
 * The archiver's download slots (RECORDINGS_CONCURRENCY per instance) and the commits that run out
 * of them: a file whose bytes are all in spends most of its remaining time in fsync and rename (or an
 * upload's last part), which needs no download slot. At most `size` files commit out of a slot at
 * once, and at most `size` more in theirs, since each still holds its last buffers: memory stays
 * within twice what `size` downloads hold.
 */
export class TransferSlots {
  private downloading = 0;
  private committing = 0;
  /** Received files committing in their slot, oldest first: each moves out when a place frees. */
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  /** Files in a download slot now (downloading, or committing in their slot). */
  get downloads(): number {
    return this.downloading;
  }

  /** Files committing out of a slot now. */
  get commits(): number {
    return this.committing;
  }

  /** A download slot is free. */
  get free(): boolean {
    return this.downloading < this.size;
  }

  /** Takes a download slot (check `free` first). */
  take(): SlotHold {
    if (!this.free) throw new Error('no download slot is free');
    this.downloading += 1;
    let phase: 'download' | 'waiting' | 'commit' | 'done' = 'download';
    const moveOut = () => {
      phase = 'commit';
      this.downloading -= 1;
      this.committing += 1;
    };
    return {
      received: () => {
        if (phase !== 'download') return false;
        if (this.committing < this.size) {
          moveOut();
          return true;
        }
        phase = 'waiting';
        this.waiting.push(moveOut);
        return false;
      },
      release: () => {
        if (phase === 'download') this.downloading -= 1;
        else if (phase === 'waiting') {
          this.downloading -= 1;
          this.waiting.splice(this.waiting.indexOf(moveOut), 1);
        } else if (phase === 'commit') {
          this.committing -= 1;
          this.waiting.shift()?.();
        }
        phase = 'done';
      },
    };
  }
}
