import { isFfoError } from '../../../src/errors/ffo-error.js';
import {
  alignExtents,
  bytesBelow,
  bytesOf,
  chunkExtents,
  complementExtents,
  extentListFile,
  normalizeExtents,
  type Extent,
} from '../../../src/providers/disk/extent-plan.js';

const KiB = 1024;
const e = (start: number, length: number): Extent => ({ start, length });

describe('normalizeExtents', () => {
  it('sorts, merges overlapping and adjacent extents and drops empty ones', () => {
    expect(normalizeExtents([e(100, 50), e(0, 10), e(10, 5), e(120, 100), e(400, 0), e(300, 1)])).toEqual([
      e(0, 15),
      e(100, 120),
      e(300, 1),
    ]);
  });

  it('keeps a gap of one byte', () => {
    expect(normalizeExtents([e(0, 10), e(11, 5)])).toEqual([e(0, 10), e(11, 5)]);
  });

  it('clips to the disk size and drops extents beyond it', () => {
    expect(normalizeExtents([e(90, 20), e(100, 5), e(200, 1)], 100)).toEqual([e(90, 10)]);
  });

  it('absorbs an extent contained in another', () => {
    expect(normalizeExtents([e(0, 100), e(10, 10)])).toEqual([e(0, 100)]);
  });

  it('rejects negative or fractional values', () => {
    for (const bad of [e(-1, 10), e(0, -5), e(0.5, 1), e(0, Number.NaN)]) {
      let caught: unknown;
      try {
        normalizeExtents([bad]);
      } catch (error) {
        caught = error;
      }
      expect(isFfoError(caught) && caught.code).toBe('BAD_INPUT');
    }
  });

  it('returns an empty list for no extents', () => {
    expect(normalizeExtents([])).toEqual([]);
  });
});

describe('alignExtents', () => {
  it('widens to 64 KiB boundaries and merges what then touches', () => {
    const size = 1024 * KiB;
    expect(alignExtents([e(1, 1), e(64 * KiB + 5, 10), e(200 * KiB, 1)], 64 * KiB, size)).toEqual([
      e(0, 128 * KiB),
      e(192 * KiB, 64 * KiB),
    ]);
  });

  it('ends the last extent at an unaligned disk size', () => {
    const size = 100 * KiB;
    expect(alignExtents([e(99 * KiB, 10)], 64 * KiB, size)).toEqual([e(64 * KiB, 36 * KiB)]);
  });

  it('leaves aligned extents unchanged', () => {
    expect(alignExtents([e(64 * KiB, 64 * KiB)], 64 * KiB, 1024 * KiB)).toEqual([e(64 * KiB, 64 * KiB)]);
  });

  it('rejects a zero alignment', () => {
    expect(() => alignExtents([e(0, 1)], 0, 10)).toThrow(/alignment/);
  });
});

describe('bytesOf and bytesBelow', () => {
  const extents = [e(0, 10), e(100, 50)];
  it('sums lengths', () => {
    expect(bytesOf(extents)).toBe(60);
    expect(bytesOf([])).toBe(0);
  });
  it('counts the bytes below an offset, cutting an extent in the middle', () => {
    expect(bytesBelow(extents, 0)).toBe(0);
    expect(bytesBelow(extents, 5)).toBe(5);
    expect(bytesBelow(extents, 50)).toBe(10);
    expect(bytesBelow(extents, 125)).toBe(35);
    expect(bytesBelow(extents, 10_000)).toBe(60);
  });
});

describe('chunkExtents', () => {
  it('cuts extents at chunk boundaries so every chunk but the last is exactly full', () => {
    const chunks = chunkExtents([e(0, 25), e(100, 10), e(200, 7)], 10);
    expect(chunks).toEqual([
      [e(0, 10)],
      [e(10, 10)],
      [e(20, 5), e(100, 5)],
      [e(105, 5), e(200, 5)],
      [e(205, 2)],
    ]);
    expect(chunks.map(bytesOf)).toEqual([10, 10, 10, 10, 2]);
  });

  it('loses and duplicates nothing', () => {
    const extents = normalizeExtents([e(3, 1000), e(5000, 333), e(9000, 1)]);
    const chunks = chunkExtents(extents, 97);
    expect(normalizeExtents(chunks.flat())).toEqual(extents);
    expect(chunks.slice(0, -1).every((chunk) => bytesOf(chunk) === 97)).toBe(true);
  });

  it('normalizes its input first', () => {
    expect(chunkExtents([e(10, 5), e(0, 10)], 100)).toEqual([[e(0, 15)]]);
  });

  it('returns no chunks for no extents and rejects a zero size', () => {
    expect(chunkExtents([], 10)).toEqual([]);
    expect(() => chunkExtents([e(0, 1)], 0)).toThrow(/chunk size/);
  });
});

describe('complementExtents', () => {
  it('lists the gaps including head and tail', () => {
    expect(complementExtents([e(10, 10), e(50, 10)], 100)).toEqual([e(0, 10), e(20, 30), e(60, 40)]);
  });
  it('is the whole disk for no extents and empty for a full one', () => {
    expect(complementExtents([], 100)).toEqual([e(0, 100)]);
    expect(complementExtents([e(0, 200)], 100)).toEqual([]);
  });
  it('together with the extents covers the disk exactly once', () => {
    const extents = normalizeExtents([e(5, 5), e(30, 1), e(99, 1)], 100);
    const all = [...extents, ...complementExtents(extents, 100)];
    expect(bytesOf(all)).toBe(100);
    expect(normalizeExtents(all)).toEqual([e(0, 100)]);
  });
});

describe('extentListFile', () => {
  it('writes "offset length" lines in ascending order, merged', () => {
    expect(extentListFile([e(65536, 65536), e(0, 4096), e(4096, 4096)])).toBe('0 8192\n65536 65536\n');
  });
  it('is empty for no extents (nbdkit then reports the whole disk as a hole)', () => {
    expect(extentListFile([])).toBe('');
  });
});
