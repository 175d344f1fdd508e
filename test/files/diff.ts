import { splitLines } from '../../server/files/ini.js';

export interface LineDiff {
  changed: { index: number; before: string; after: string }[];
  inserted: string[];
  removed: string[];
}

/**
 * A line diff for small edits: the common prefix and suffix are equal, the middle is what changed.
 * Lines compare with their line endings, and the BOM is part of the first line.
 */
export function lineDiff(before: string, after: string): LineDiff {
  const a = splitLines(before).map((l) => l.text + l.eol);
  const b = splitLines(after).map((l) => l.text + l.eol);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const common = Math.min(midA.length, midB.length);
  return {
    changed: midA.slice(0, common).map((line, i) => ({ index: start + i, before: line, after: midB[i]! })),
    inserted: midB.slice(common),
    removed: midA.slice(common),
  };
}
