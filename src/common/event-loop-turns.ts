/**
 * Pixel work (tensor conversion, resampling) runs on the event loop. A photo's detection frames
 * finish resizing together, and several requests' steps can be ready at once: run back to back, they
 * hold the loop for a hundred milliseconds or more, and health probes and overload refusals wait.
 * `nextTurn()` lets waiters through in arrival order, up to TURN_BUDGET_MS of their steps per loop
 * iteration, so I/O is polled between (bench:liveness measures the effect).
 */
export const TURN_BUDGET_MS = 8;

const waiting: (() => void)[] = [];
let scheduled = false;

/** Resolves once the waiters before it have had their turn, with I/O polled at least every TURN_BUDGET_MS. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) scheduleTurn();
  });
}

function scheduleTurn(): void {
  scheduled = true;
  // From inside the check phase, setImmediate runs in the next iteration, after its I/O poll.
  setImmediate(() => {
    const started = performance.now();
    const letNextThrough = () => {
      waiting.shift()?.();
      if (waiting.length === 0) {
        scheduled = false;
        return;
      }
      // Queued behind the released waiter's continuation, so this runs once its synchronous step has.
      queueMicrotask(() => (performance.now() - started < TURN_BUDGET_MS ? letNextThrough() : scheduleTurn()));
    };
    letNextThrough();
  });
}

/** `step` run on its turn (see nextTurn). */
export async function onItsOwnTurn<T>(step: () => T): Promise<T> {
  await nextTurn();
  return step();
}
