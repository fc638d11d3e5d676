/**
 * The garbage collected and its finalizers run (Chromium started with --js-flags=--expose-gc):
 * a collected array's GPU buffer returns to the free list from a FinalizationRegistry callback,
 * a task the browser queues after the collection and runs in no fixed order with timers, so a few
 * turns are given and the collection repeated until the allocation stops changing.
 */
export async function collectGarbage(allocated: () => number): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  let last = Number.NaN;
  for (let round = 0; round < 5; round++) {
    gc?.();
    for (let turn = 0; turn < 3; turn++) await new Promise((r) => setTimeout(r, 2));
    const now = allocated();
    if (now === last) break;
    last = now;
  }
  return allocated();
}
