/**
 * Gathers one worker's writes of a kind into batches, one statement or transaction for many: a
 * burst is written in a few round trips instead of queueing one (or more) each for the pool. One
 * batch at a time, so two never wait on each other's row locks; what arrives meanwhile goes in the
 * next. A batch starts when `max` are waiting, after `gatherMs` (when given), or else at once after
 * the current turn of the event loop (what the same I/O brought in joins it).
 */
export class Batches<I, O> {
  private waiting: { item: I; resolve: (outcome: O) => void; reject: (err: unknown) => void }[] = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;

  constructor(
    /** Writes a batch; resolves with one outcome per item, in order. */
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly options: { max: number; gatherMs?: number },
  ) {}

  /** Batches of writes that answer nothing but that they are done. */
  static ofWrites<I>(write: (items: I[]) => Promise<unknown>, options: { max: number; gatherMs?: number }) {
    return new Batches<I, undefined>(async (items) => {
      await write(items);
      return items.map(() => undefined);
    }, options);
  }

  add(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.running) return;
      if (this.waiting.length >= this.options.max) this.flush();
      else if (this.options.gatherMs !== undefined)
        this.timer ??= setTimeout(() => this.flush(), this.options.gatherMs);
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    if (this.running) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = false;
    const batch = this.waiting.splice(0, this.options.max);
    if (batch.length === 0) return;
    this.running = true;
    this.write(batch.map((w) => w.item))
      .then(
        (outcomes) => batch.forEach((w, i) => w.resolve(outcomes[i]!)),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.running = false;
        this.flush();
      });
  }
}
