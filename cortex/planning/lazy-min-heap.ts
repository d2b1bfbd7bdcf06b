/**
 * A binary min-heap of (key, node) entries over typed arrays, smallest key first. No
 * decrease-key: a node may be in it more than once, and the user skips the entries it no longer
 * needs as they come out. The arrays grow by doubling when full and are kept, so pushes allocate
 * nothing once the heap has reached its working size.
 */
export class LazyMinHeap {
  size = 0;
  private keys = new Float64Array(0);
  private nodes = new Int32Array(0);

  clear(): void {
    this.size = 0;
  }

  /** Makes room for at least `capacity` entries. */
  reserve(capacity: number): void {
    if (capacity <= this.keys.length) return;
    const keys = new Float64Array(capacity);
    const nodes = new Int32Array(capacity);
    keys.set(this.keys.subarray(0, this.size));
    nodes.set(this.nodes.subarray(0, this.size));
    this.keys = keys;
    this.nodes = nodes;
  }

  /** The smallest key (the heap must not be empty). */
  topKey(): number {
    return this.keys[0] as number;
  }

  push(key: number, node: number): void {
    if (this.size === this.keys.length) this.reserve(Math.max(16, 2 * this.size));
    const { keys, nodes } = this;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = keys[p] as number;
      if (pk <= key) break;
      keys[i] = pk;
      nodes[i] = nodes[p] as number;
      i = p;
    }
    keys[i] = key;
    nodes[i] = node;
  }

  /** Removes the entry with the smallest key and returns its node (the heap must not be empty). */
  pop(): number {
    const { keys, nodes } = this;
    const top = nodes[0] as number;
    const n = --this.size;
    if (n === 0) return top;
    const key = keys[n] as number;
    const node = nodes[n] as number;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ck = keys[c] as number;
      if (c + 1 < n) {
        const rk = keys[c + 1] as number;
        if (rk < ck) {
          c++;
          ck = rk;
        }
      }
      if (key <= ck) break;
      keys[i] = ck;
      nodes[i] = nodes[c] as number;
      i = c;
    }
    keys[i] = key;
    nodes[i] = node;
    return top;
  }
}
