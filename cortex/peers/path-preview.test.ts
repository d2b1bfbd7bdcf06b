import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathPreview } from './path-preview.js';

describe('the path preview in a state message', () => {
  it('keeps the path up to the length asked, nearest first', () => {
    const path = Array.from({ length: 11 }, (_, i) => ({ xM: i * 0.5, yM: 0 }));
    expect(pathPreview(path, 2)).toEqual(path.slice(0, 5));
    expect(pathPreview([], 2)).toEqual([]);
  });

  it('never carries more than 20 points, keeps its ends and stays within the length along the path', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            xM: fc.double({ min: -50, max: 50, noNaN: true }),
            yM: fc.double({ min: -50, max: 50, noNaN: true }),
          }),
          {
            maxLength: 300,
          },
        ),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        (path, lengthM) => {
          const preview = pathPreview(path, lengthM);
          expect(preview.length).toBeLessThanOrEqual(20);
          if (path.length > 0) expect(preview[0]).toEqual(path[0]);
          for (const point of preview) expect(path).toContainEqual(point);
        },
      ),
    );
  });
});
