// FerretDB applies an update as read-then-write, so two changes of one message at once (a reaction and
// an edit, two reactions) could lose one. A process runs the changes of a room's messages one after
// another; across processes the window is a few milliseconds of a rare coincidence.

/** Runs the tasks given for one key one after another (a chain per key, dropped once idle). */
export class SerialQueues {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after the tasks already given for `key`; answers what it answers. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
