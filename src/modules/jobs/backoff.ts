/** Délai avant la nouvelle tentative n (1, 2, 3…) : 30 s, 1 min, 2 min… plafonné à une heure. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}
