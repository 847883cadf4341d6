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
    const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timer')), 0));
    await Promise.all(['a', 'b', 'c'].map((step) => onItsOwnTurn(() => order.push(step))));
    await timer;
    expect(order).toEqual(['a', 'b', 'c', 'timer']);
  });

  it('polls timers and I/O between steps once a turn has used its budget', async () => {
    const order: string[] = [];
    const steps = ['a', 'b', 'c'].map((step) =>
      onItsOwnTurn(() => {
        busyFor(TURN_BUDGET_MS + 2);
        order.push(step);
      }),
    );
    // Armed while step a waits: due before b would run back to back with a.
    const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void order.push('timer')), 0));
    await Promise.all([...steps, timer]);
    expect(order.indexOf('timer')).toBeGreaterThan(order.indexOf('a'));
    expect(order.indexOf('timer')).toBeLessThan(order.indexOf('c'));
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
