// An indexed binary min-heap ordered by `due` (then by insertion order, so equal times keep FIFO order). Each item
// remembers its own slot, so a job can be moved or removed in O(log n) without a search or a stale copy.
export interface HeapItem {
  /** Epoch ms at which the item is due. */
  due: number;
  /** Slot in the heap, -1 when not in it (managed by the heap). */
  heapIndex: number;
  /** Tie-breaker (managed by the heap). */
  heapSeq: number;
}

export class MinHeap<T extends HeapItem> {
  private readonly items: T[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  has(item: T): boolean {
    return item.heapIndex >= 0 && this.items[item.heapIndex] === item;
  }

  /** Adds the item, or moves it if it is already in the heap. */
  push(item: T, due: number): void {
    item.due = due;
    item.heapSeq = this.seq++;
    if (this.has(item)) {
      this.up(item.heapIndex);
      this.down(item.heapIndex);
      return;
    }
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  remove(item: T): boolean {
    if (!this.has(item)) return false;
    const index = item.heapIndex;
    const last = this.items.pop() as T;
    item.heapIndex = -1;
    if (last !== item) {
      this.items[index] = last;
      last.heapIndex = index;
      this.up(index);
      this.down(last.heapIndex);
    }
    return true;
  }

  clear(): void {
    for (const item of this.items) item.heapIndex = -1;
    this.items.length = 0;
  }

  private less(a: T, b: T): boolean {
    return a.due < b.due || (a.due === b.due && a.heapSeq < b.heapSeq);
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.less(item, items[parent])) break;
      items[index] = items[parent];
      items[index].heapIndex = index;
      index = parent;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private down(index: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[index];
    for (;;) {
      const left = 2 * index + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.less(items[right], items[left]) ? right : left;
      if (!this.less(items[child], item)) break;
      items[index] = items[child];
      items[index].heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
