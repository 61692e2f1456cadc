/** L'heure est injectée : le code métier ne lit jamais l'horloge système directement. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Horloge réglable des tests : on avance le temps au lieu d'attendre. */
export class FixedClock implements Clock {
  #current: Date;
  constructor(start: Date | string) {
    this.#current = new Date(start);
  }
  now(): Date {
    return new Date(this.#current);
  }
  set(at: Date | string): void {
    this.#current = new Date(at);
  }
  advance(milliseconds: number): void {
    this.#current = new Date(this.#current.getTime() + milliseconds);
  }
}

export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
