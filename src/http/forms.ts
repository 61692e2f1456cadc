import { isAppError } from '../shared/errors.ts';

/** Corps d'un formulaire, en objet simple (les champs multiples restent des listes). */
export function formBody(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' ? { ...(body as Record<string, unknown>) } : {};
}

export function text(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Exécute une action de formulaire ; une erreur attendue (saisie, doublon…) est rendue par `onError`
 * avec la saisie de l'utilisateur, toute autre erreur remonte au gestionnaire global.
 */
export async function handleForm<T>(
  action: () => Promise<T>,
  onError: (message: string, fields: Record<string, string>, status: number) => unknown,
): Promise<{ ok: true; value: T } | { ok: false; response: unknown }> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    if (isAppError(error) && error.status < 500 && error.code !== 'authentication_required' && error.code !== 'csrf_invalid') {
      return { ok: false, response: await onError(error.message, error.fields, error.status) };
    }
    throw error;
  }
}
