import type { AppContext } from '../../shared/context.ts';
import { isAppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { setJobProgress } from '../jobs/job.repository.ts';
import { enqueueJob } from '../jobs/job.service.ts';
import { DECK_STEPS, type DeckStep, generateDeck } from './clu-deck.service.ts';

export const DECK_JOB = 'clu.deck';

export interface DeckJobPayload {
  organisationId: string;
  meetingId: string;
  actorUserId: string | null;
  actorLabel: string;
}

/** Avancement de la génération (colonne `jobs.progress_json`) : étape en cours, puis la version publiée. */
export interface DeckJobProgress {
  step: DeckStep | null;
  done: number;
  total: number;
  result?: { version: number; slideCount: number };
  error?: { message: string };
}

export async function enqueueDeckGeneration(ctx: AppContext, payload: DeckJobPayload): Promise<string> {
  const id = newId();
  // Une seule tentative de plus : chaque génération réussie crée une version, une reprise n'en crée pas deux
  // (la publication et le rattachement à la réunion sont écrits ensemble, à la fin).
  await enqueueJob(ctx, DECK_JOB, payload, { id, organisationId: payload.organisationId, maxAttempts: 2 });
  return id;
}

function isPayload(value: unknown): value is DeckJobPayload {
  const p = value as DeckJobPayload | null;
  return typeof p === 'object' && p !== null && typeof p.organisationId === 'string' && typeof p.meetingId === 'string';
}

/** Traitement de la tâche `clu.deck` : chaque étape est notée pour la barre de progression de la page. */
export async function runDeckJob(ctx: AppContext, payload: unknown, job: { id: string }): Promise<void> {
  if (!isPayload(payload)) throw new Error('Tâche de génération du support : contenu invalide');
  const total = DECK_STEPS.length;
  const save = (progress: DeckJobProgress) => setJobProgress(ctx.db, job.id, JSON.stringify(progress));
  await save({ step: null, done: 0, total });
  try {
    const result = await generateDeck(
      ctx,
      payload.organisationId,
      payload.meetingId,
      { userId: payload.actorUserId, label: payload.actorLabel },
      {
        onStep: async (step) => {
          await save({ step, done: DECK_STEPS.findIndex((s) => s.key === step), total });
        },
      },
    );
    await save({ step: null, done: total, total, result: { version: result.version, slideCount: result.slideCount } });
  } catch (error) {
    // Une réunion supprimée entre-temps n'est pas une panne à rejouer : l'erreur est montrée sur la page de suivi.
    if (isAppError(error) && error.status < 500) {
      await save({ step: null, done: 0, total, error: { message: error.message } });
      return;
    }
    throw error;
  }
}
