import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the priority of the calling thread only (worker threads: ONNX Runtime, pixel work), so a
 * busy CPU goes to the event loop when it wakes. Linux keeps a nice value per thread, and
 * setpriority() on a thread id changes only that thread; threads created afterwards by this one
 * (ONNX Runtime's own) inherit it. Raising one's own nice value needs no privilege; where
 * /proc/thread-self is missing (not Linux) or a sandbox refuses the call, the priority stays as it is.
 */
export function lowerThisThreadPriority(nice: number): void {
  if (nice <= 0) return;
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), nice);
  } catch {
    // the thread then shares the CPU with the event loop as equals, as with ORT_WORKER_NICE=0
  }
}
