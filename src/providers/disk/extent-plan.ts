// Pure byte-range arithmetic for disk copies: CBT changed areas in, nbdkit extent lists and
// resumable chunks out. All values are byte offsets/lengths (safe integers; disks stay far below 2^53).

import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';

export interface Extent {
  start: number;
  length: number;
}

function checkNonNegative(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new FfoError(ErrorCode.BAD_INPUT, `${what} must be a non-negative integer, got ${value}`);
}

function checkExtent(extent: Extent): void {
  checkNonNegative(extent.start, 'extent start');
  checkNonNegative(extent.length, 'extent length');
}

/** Sorted, non-overlapping, non-adjacent, non-empty extents; clipped to [0, size) when size is given. */
export function normalizeExtents(extents: readonly Extent[], size?: number): Extent[] {
  if (size !== undefined) checkNonNegative(size, 'disk size');
  const ranges: Array<[number, number]> = [];
  for (const extent of extents) {
    checkExtent(extent);
    const end =
      size === undefined ? extent.start + extent.length : Math.min(extent.start + extent.length, size);
    if (end > extent.start) ranges.push([extent.start, end]);
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Extent[] = [];
  let current: [number, number] | undefined;
  for (const range of ranges) {
    if (current !== undefined && range[0] <= current[1]) {
      current[1] = Math.max(current[1], range[1]);
      continue;
    }
    if (current !== undefined) merged.push({ start: current[0], length: current[1] - current[0] });
    current = [range[0], range[1]];
  }
  if (current !== undefined) merged.push({ start: current[0], length: current[1] - current[0] });
  return merged;
}

/** Widens every extent to `alignment` boundaries (the last one may end at `size`), then normalizes. */
export function alignExtents(extents: readonly Extent[], alignment: number, size: number): Extent[] {
  if (!Number.isSafeInteger(alignment) || alignment <= 0)
    throw new FfoError(ErrorCode.BAD_INPUT, `alignment must be a positive integer, got ${alignment}`);
  checkNonNegative(size, 'disk size');
  return normalizeExtents(
    extents.map((extent) => {
      checkExtent(extent);
      const start = Math.floor(extent.start / alignment) * alignment;
      const end = Math.ceil((extent.start + extent.length) / alignment) * alignment;
      return { start, length: end - start };
    }),
    size,
  );
}

/** Total bytes covered (extents are assumed normalized; overlaps would be counted twice). */
export function bytesOf(extents: readonly Extent[]): number {
  return extents.reduce((sum, extent) => sum + extent.length, 0);
}

/** Bytes of the extents that lie below `offset` (maps a disk position to copied bytes). */
export function bytesBelow(extents: readonly Extent[], offset: number): number {
  let sum = 0;
  for (const extent of extents) {
    if (extent.start >= offset) break;
    sum += Math.min(extent.length, offset - extent.start);
  }
  return sum;
}

/**
 * Splits normalized extents into consecutive chunks of exactly `maxBytes` data each (the last one may be
 * smaller), cutting extents at chunk boundaries, so "the first N chunks are done" is a resume point.
 */
export function chunkExtents(extents: readonly Extent[], maxBytes: number): Extent[][] {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
    throw new FfoError(ErrorCode.BAD_INPUT, `chunk size must be a positive integer, got ${maxBytes}`);
  const chunks: Extent[][] = [];
  let chunk: Extent[] = [];
  let room = maxBytes;
  for (const extent of normalizeExtents(extents)) {
    let { start, length } = extent;
    while (length > 0) {
      const take = Math.min(length, room);
      chunk.push({ start, length: take });
      start += take;
      length -= take;
      room -= take;
      if (room === 0) {
        chunks.push(chunk);
        chunk = [];
        room = maxBytes;
      }
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The parts of [0, size) that the extents do not cover. */
export function complementExtents(extents: readonly Extent[], size: number): Extent[] {
  const gaps: Extent[] = [];
  let position = 0;
  for (const extent of normalizeExtents(extents, size)) {
    if (extent.start > position) gaps.push({ start: position, length: extent.start - position });
    position = extent.start + extent.length;
  }
  if (position < size) gaps.push({ start: position, length: size - position });
  return gaps;
}

/**
 * The extent list for nbdkit-extentlist-filter: one `offset length` line per data extent (type omitted
 * means allocated data); everything not listed reads as a hole, which nbdcopy skips.
 */
export function extentListFile(extents: readonly Extent[]): string {
  return normalizeExtents(extents)
    .map((extent) => `${extent.start} ${extent.length}\n`)
    .join('');
}
