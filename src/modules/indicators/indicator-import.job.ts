import type { AppContext } from '../../shared/context.ts';
import { isAppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { setJobProgress } from '../jobs/job.repository.ts';
import { enqueueJob } from '../jobs/job.service.ts';
import { type IndicatorImportSummary, importIndicatorFile } from './indicator-import.service.ts';
import type { ColumnMapping } from './indicator-import.ts';

export const INDICATOR_IMPORT_JOB = 'indicators.import';

export interface IndicatorImportPayload {
  organisationId: string;
  source: string;
  year: number;
  /** Texte CSV (UTF-8) revalidé par la tâche : il reste en base le temps de l'import. */
  csv: string;
  fileName: string;
  mapping: ColumnMapping;
  actorUserId: string | null;
  actorLabel: string;
  /** Nombre de lignes annoncé par la prévisualisation (affiché avant le début). */
  total: number;
}

/** Avancement et résultat d'un import en tâche de fond (colonne `jobs.progress_json`). */
export interface IndicatorImportProgress {
  done: number;
  total: number;
  result?: IndicatorImportSummary;
  error?: { message: string; fields: Record<string, string> };
}

export async function enqueueIndicatorImport(ctx: AppContext, payload: IndicatorImportPayload): Promise<string> {
  const id = newId();
  // Transactionnel et rejouable (un mois réimporté remplace le précédent) : une reprise après une panne ne double rien.
  await enqueueJob(ctx, INDICATOR_IMPORT_JOB, payload, { id, organisationId: payload.organisationId, maxAttempts: 3 });
  return id;
}

function isPayload(value: unknown): value is IndicatorImportPayload {
  const p = value as IndicatorImportPayload | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.organisationId === 'string' &&
    typeof p.csv === 'string' &&
    typeof p.mapping === 'object' &&
    p.mapping !== null
  );
}

/**
 * Traitement de la tâche `indicators.import`. L'avancement (lignes contrôlées) est écrit hors de la
 * transaction, donc sur les deux moteurs. Un fichier refusé n'est pas une panne : le résultat en
 * erreur est enregistré et la tâche se termine sans nouvelle tentative.
 */
export async function runIndicatorImportJob(ctx: AppContext, payload: unknown, job: { id: string }): Promise<void> {
  if (!isPayload(payload)) throw new Error('Tâche d’import d’indicateurs : contenu invalide');
  const save = (progress: IndicatorImportProgress) => setJobProgress(ctx.db, job.id, JSON.stringify(progress));
  let total = payload.total;
  try {
    const result = await importIndicatorFile(
      ctx,
      payload.organisationId,
      { source: payload.source, year: payload.year, csv: payload.csv, fileName: payload.fileName, mapping: payload.mapping },
      { userId: payload.actorUserId, label: payload.actorLabel },
      {
        onProgress: async (done, count) => {
          total = count;
          if (done < count) await save({ done, total: count });
        },
      },
    );
    await save({ done: total, total, result });
  } catch (error) {
    if (isAppError(error) && (error.code === 'import_failed' || error.code === 'validation_failed')) {
      await save({ done: 0, total, error: { message: error.message, fields: error.fields } });
      return;
    }
    throw error;
  }
}
