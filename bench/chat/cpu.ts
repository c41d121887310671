import { readdirSync, readFileSync } from 'node:fs';

/**
 * Nanoseconds a process's threads have spent on a core and waiting for one (runnable but not
 * running), from /proc/<pid>/task/<tid>/schedstat; zeros once it is gone. Waiting says whether a
 * slow process was starved by a busy machine rather than blocked on something of its own.
 */
function schedstat(pid: number): { run: number; wait: number } {
  let run = 0;
  let wait = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const [onCore, queued] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ');
        run += Number(onCore);
        wait += Number(queued);
      } catch {
        // the thread ended while we looked
      }
    }
  } catch {
    // the process is gone
  }
  return { run, wait };
}

/**
 * While `work` runs: each named process's CPU (100 = one core busy the whole time) and its time
 * waiting for a core (100 = one thread runnable but not running the whole time).
 */
export async function cpuDuring<T>(pids: Record<string, number>, work: () => Promise<T>) {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, schedstat(pid)]));
  const started = performance.now();
  const result = await work();
  const wallNs = (performance.now() - started) * 1e6;
  const share = (key: 'run' | 'wait') =>
    Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, (100 * (schedstat(pid)[key] - before[name]![key])) / wallNs]));
  return { result, cpu: share('run'), waiting: share('wait') };
}

/** Waits until `pid` uses under `percent` % of a core over half a second (or `maxMs` passed); answers whether it did. */
export async function waitIdle(pid: number, percent = 15, maxMs = 30_000): Promise<boolean> {
  const until = performance.now() + maxMs;
  while (performance.now() < until) {
    const before = schedstat(pid).run;
    await new Promise((resolve) => setTimeout(resolve, 500));
    if ((100 * (schedstat(pid).run - before)) / 500e6 < percent) return true;
  }
  return false;
}
