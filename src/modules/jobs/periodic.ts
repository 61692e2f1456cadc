/**
 * Boucle périodique d'un processus serveur : un passage toutes les `intervalMs`, jamais deux en même
 * temps, arrêt propre qui attend le passage en cours. Une erreur d'un passage est signalée, la boucle
 * continue (une panne passagère de la base ou d'un serveur de courrier ne l'arrête pas).
 */
export class PeriodicLoop {
  readonly #name: string;
  readonly #tick: () => Promise<unknown>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(name: string, tick: () => Promise<unknown>) {
    this.#name = name;
    this.#tick = tick;
  }

  start(intervalMs: number): void {
    if (this.#timer) return;
    const run = () => {
      if (this.#running) return;
      this.#running = this.#tick()
        .then(() => undefined)
        .catch((error: unknown) => {
          process.emitWarning(`${this.#name} : ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(() => {
          this.#running = undefined;
        });
    };
    this.#timer = setInterval(run, intervalMs);
    this.#timer.unref();
    run();
  }

  /** Arrête la boucle ; rend la main quand le passage en cours est fini. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
