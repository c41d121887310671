import { rateLimited } from '../http/errors.js';

/** Caps how many costly operations run at once; past `maxQueue` waiting callers are refused with 429. */
export class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly maxQueue: number,
    private readonly busyMessage = 'Too many sign-ins at once; try again in a moment.',
  ) {}

  /** Runs `task` when a slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueue) {
        throw rateLimited(this.busyMessage, 1000);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next(); // hand the slot over without releasing it
      else this.running--;
    }
  }
}
