/** One job's hold on the slots, from its start to its end. */
export interface SlotHold {
  /**
   * Every byte of the file has arrived: hands the download slot back while the file is committed,
   * unless as many files as there are slots are committing already. True when the slot was freed.
   */
  received(): boolean;
  /** The job holds nothing any more (stored, failed or aborted); idempotent. */
  release(): void;
}

/**
 * The archiver's download slots (RECORDINGS_CONCURRENCY per instance) and the commits that run out
 * of them: a file whose bytes are all in spends most of its remaining time in fsync and rename (or an
 * upload's last part), which needs no download slot. At most `size` files commit at once, since each
 * still holds its last buffers, so memory stays within twice what `size` downloads hold.
 */
export class TransferSlots {
  private downloading = 0;
  private committing = 0;

  constructor(private readonly size: number) {}

  /** Files downloading now. */
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
    let phase: 'download' | 'commit' | 'done' = 'download';
    return {
      received: () => {
        if (phase !== 'download' || this.committing >= this.size) return false;
        phase = 'commit';
        this.downloading -= 1;
        this.committing += 1;
        return true;
      },
      release: () => {
        if (phase === 'download') this.downloading -= 1;
        else if (phase === 'commit') this.committing -= 1;
        phase = 'done';
      },
    };
  }
}
