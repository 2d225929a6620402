import { TransferSlots } from './transfer-slots';

describe('TransferSlots', () => {
  it('gives out as many download slots as its size', () => {
    const slots = new TransferSlots(2);
    slots.take();
    slots.take();
    expect(slots.free).toBe(false);
    expect(() => slots.take()).toThrow('no download slot is free');
  });

  it('frees the slot of a received file, which then counts as committing until released', () => {
    const slots = new TransferSlots(1);
    const first = slots.take();
    expect(first.received()).toBe(true);
    expect({ free: slots.free, downloads: slots.downloads, commits: slots.commits }).toEqual({
      free: true,
      downloads: 0,
      commits: 1,
    });
    first.release();
    expect({ downloads: slots.downloads, commits: slots.commits }).toEqual({ downloads: 0, commits: 0 });
  });

  it('keeps the slot of a received file while as many files as slots are committing, until one ends', () => {
    const slots = new TransferSlots(1);
    const first = slots.take();
    first.received();
    const second = slots.take();
    expect(second.received()).toBe(false);
    expect({ free: slots.free, downloads: slots.downloads, commits: slots.commits }).toEqual({
      free: false,
      downloads: 1,
      commits: 1,
    });
    // The first commit ends: the second file moves out of its slot, which frees for the next download.
    first.release();
    expect({ free: slots.free, downloads: slots.downloads, commits: slots.commits }).toEqual({
      free: true,
      downloads: 0,
      commits: 1,
    });
    second.release();
    expect({ free: slots.free, downloads: slots.downloads, commits: slots.commits }).toEqual({
      free: true,
      downloads: 0,
      commits: 0,
    });
  });

  it('forgets a file waiting to move out once it is released', () => {
    const slots = new TransferSlots(1);
    const first = slots.take();
    first.received();
    const second = slots.take();
    second.received();
    second.release();
    first.release();
    expect({ free: slots.free, downloads: slots.downloads, commits: slots.commits }).toEqual({
      free: true,
      downloads: 0,
      commits: 0,
    });
  });

  it('counts a release once, and a received after it not at all', () => {
    const slots = new TransferSlots(2);
    const hold = slots.take();
    slots.take();
    hold.release();
    hold.release();
    expect(hold.received()).toBe(false);
    expect({ downloads: slots.downloads, commits: slots.commits }).toEqual({ downloads: 1, commits: 0 });
  });
});
