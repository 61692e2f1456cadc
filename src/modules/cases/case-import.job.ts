import type { AppContext } from '../../shared/context.ts';
import { isAppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { setJobProgress } from '../jobs/job.repository.ts';
import { enqueueJob } from '../jobs/job.service.ts';
import { type ImportSummary, importCases } from './case-import.service.ts';

export const CASE_IMPORT_JOB = 'cases.import';
/** Au-delà de ce nombre de lignes de données, l'import confirmé s'exécute en tâche de fond. */
export const BACKGROUND_IMPORT_MIN_ROWS = 2000;

export interface CaseImportPayload {
  organisationId: string;
  /** Texte CSV (UTF-8) revalidé par la tâche : il reste en base le temps de l'import. */
  csv: string;
  fileName: string;
  actorUserId: string | null;
  actorLabel: string;
  /** Nombre de lignes annoncé par la prévisualisation (affiché avant le début). */
  total: number;
}

/** Avancement et résultat d'un import en tâche de fond (colonne `jobs.progress_json`). */
export interface CaseImportProgress {
  done: number;
  total: number;
  result?: Omit<ImportSummary, 'changes'>;
  error?: { message: string; fields: Record<string, string> };
}

export async function enqueueCaseImport(ctx: AppContext, payload: CaseImportPayload): Promise<string> {
  const id = newId();
  // Un import est transactionnel (tout ou rien) et rejouable : une nouvelle tentative après une
  // panne ne double rien, mais on en limite le nombre.
  await enqueueJob(ctx, CASE_IMPORT_JOB, payload, { id, organisationId: payload.organisationId, maxAttempts: 3 });
  return id;
}

function isPayload(value: unknown): value is CaseImportPayload {
  const p = value as CaseImportPayload | null;
  return typeof p === 'object' && p !== null && typeof p.organisationId === 'string' && typeof p.csv === 'string';
}

/**
 * Traitement de la tâche `cases.import`. Un fichier refusé (lignes en erreur, registre changé depuis
 * la prévisualisation) n'est pas une panne : le résultat en erreur est enregistré et la tâche se
 * termine sans nouvelle tentative.
 */
export async function runCaseImportJob(ctx: AppContext, payload: unknown, job: { id: string }): Promise<void> {
  if (!isPayload(payload)) throw new Error('Tâche d’import : contenu invalide');
  const save = (progress: CaseImportProgress) => setJobProgress(ctx.db, job.id, JSON.stringify(progress));
  let total = payload.total;
  try {
    const summary = await importCases(
      ctx,
      payload.organisationId,
      payload.csv,
      { userId: payload.actorUserId, label: payload.actorLabel },
      {
        fileName: payload.fileName,
        onProgress: async (done, count) => {
          total = count;
          // SQLite n'a qu'une connexion, tenue par la transaction de l'import : seul l'état de départ
          // (avant la transaction) y est écrit. PostgreSQL écrit l'avancement au fil de l'eau.
          if (ctx.engine === 'sqlite' && done > 0) return;
          await save({ done, total: count });
        },
      },
    );
    const { changes: _changes, ...result } = summary;
    await save({ done: total, total, result });
  } catch (error) {
    if (isAppError(error) && error.code === 'import_failed') {
      await save({ done: 0, total, error: { message: error.message, fields: error.fields } });
      return;
    }
    throw error;
  }
}
