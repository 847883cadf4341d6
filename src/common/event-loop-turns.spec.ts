import { nextTurn, onItsOwnTurn, TURN_BUDGET_MS } from './event-loop-turns.js';

const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('event-loop turns', () => {
  it('lets waiters through in arrival order', async () => {
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => onItsOwnTurn(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('runs quick steps in one loop iteration', async () => {
    const order: string[] = [];
    let nextIteration: Promise<void> | undefined;
    await Promise.all(
      ['a', 'b', 'c'].map((step) =>
        onItsOwnTurn(() => {
          // Queued from a turn, an immediate runs in the next iteration: after b and c only if they share a's.
          nextIteration ??= new Promise<void>((resolve) => setImmediate(() => resolve(void order.push('next iteration'))));
          order.push(step);
        }),
      ),
    );
    await nextIteration;
    expect(order).toEqual(['a', 'b', 'c', 'next iteration']);
  });

  it('polls timers and I/O between steps once a turn has used its budget', async () => {
    const order: string[] = [];
    let timer: Promise<void> | undefined;
    await Promise.all(
      ['a', 'b', 'c'].map((step) =>
        onItsOwnTurn(() => {
          // Armed by step a and due before a ends: it fires before b unless b runs back to back with a.
          timer ??= new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timer')), 0));
          busyFor(TURN_BUDGET_MS + 2);
          order.push(step);
        }),
      ),
    );
    await timer;
    expect(order).toEqual(['a', 'timer', 'b', 'c']);
  });

  it('keeps going for waiters that arrive while a turn runs', async () => {
    const order: string[] = [];
    await onItsOwnTurn(async () => {
      order.push('first');
      await nextTurn();
      order.push('after');
    });
    expect(order).toEqual(['first', 'after']);
  });
});
