/**
 * A binary min-heap of node indices keyed by a number, over typed arrays sized once: each node is
 * in it at most once, and {@link pushOrDecrease} lowers a node's key in place (no duplicates, no
 * allocation).
 */
export class IndexedMinHeap {
  size = 0;
  private readonly nodes: Int32Array;
  private readonly keys: Float64Array;
  /** Position of each node in `nodes` plus one (0: not in the heap). */
  private readonly position: Int32Array;

  constructor(capacity: number) {
    this.nodes = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.position = new Int32Array(capacity);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.position[this.nodes[i] as number] = 0;
    this.size = 0;
  }

  push(node: number, key: number): void {
    this.pushOrDecrease(node, key);
  }

  /** Adds `node` with `key`, or lowers its key when it is in the heap with a higher one. */
  pushOrDecrease(node: number, key: number): void {
    const at = (this.position[node] as number) - 1;
    if (at >= 0) {
      if (key < (this.keys[at] as number)) {
        this.keys[at] = key;
        this.up(at);
      }
      return;
    }
    const i = this.size++;
    this.nodes[i] = node;
    this.keys[i] = key;
    this.position[node] = i + 1;
    this.up(i);
  }

  /** Removes and returns the node with the smallest key (the heap must not be empty). */
  pop(): number {
    const top = this.nodes[0] as number;
    this.position[top] = 0;
    const last = --this.size;
    if (last > 0) {
      this.nodes[0] = this.nodes[last] as number;
      this.keys[0] = this.keys[last] as number;
      this.position[this.nodes[0] as number] = 1;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const { nodes, keys, position } = this;
    const node = nodes[i] as number;
    const key = keys[i] as number;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((keys[p] as number) <= key) break;
      nodes[i] = nodes[p] as number;
      keys[i] = keys[p] as number;
      position[nodes[i] as number] = i + 1;
      i = p;
    }
    nodes[i] = node;
    keys[i] = key;
    position[node] = i + 1;
  }

  private down(i: number): void {
    const { nodes, keys, position } = this;
    const n = this.size;
    const node = nodes[i] as number;
    const key = keys[i] as number;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (keys[c + 1] as number) < (keys[c] as number)) c++;
      if ((keys[c] as number) >= key) break;
      nodes[i] = nodes[c] as number;
      keys[i] = keys[c] as number;
      position[nodes[i] as number] = i + 1;
      i = c;
    }
    nodes[i] = node;
    keys[i] = key;
    position[node] = i + 1;
  }
}
