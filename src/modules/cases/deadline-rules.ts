import type { CaseChannel, CaseKind } from './vocabulary.ts';

/**
 * Délais de réponse en jours ouvrés, par nature et canal (BRIEF) :
 * - 5 pour `email` et `web_form`, 10 pour `letter` et `urn` (tout ce qui sort de l'urne est traité
 *   comme un courrier) ;
 * - 3 pour une demande de mise à jour (`update_request`), quel que soit le canal ;
 * - module 4 : `advice_request` 5 par courriel / 10 par courrier ; `elected_official_appointment` :
 *   date de rendez-vous fixée sous 4 jours, rendez-vous tenu sous 10.
 * Téléphone, guichet et canal interne n'ont pas d'échéance écrite (réponse immédiate), pas plus qu'un
 * remerciement.
 */
export const UPDATE_WORKING_DAYS = 3;
export const APPOINTMENT_FIX_WORKING_DAYS = 4;
export const APPOINTMENT_HELD_WORKING_DAYS = 10;

export function answerWorkingDays(kind: CaseKind, channel: CaseChannel): number | null {
  if (kind === 'update_request') return UPDATE_WORKING_DAYS;
  if (kind === 'thanks' || kind === 'elected_official_appointment') return null;
  if (channel === 'email' || channel === 'web_form') return 5;
  if (channel === 'letter' || channel === 'urn') return 10;
  return null;
}

export interface DueDates {
  /** Échéance de la réponse (nulle quand aucune réponse écrite n'est attendue). */
  answer: string | null;
  /** Rendez-vous d'élu : date fixée au plus tard… */
  appointmentFixed: string | null;
  /** … et rendez-vous tenu au plus tard. */
  appointmentHeld: string | null;
}

export function dueDatesFor(
  kind: CaseKind,
  channel: CaseChannel,
  receivedLocalDate: string,
  dueDate: (receipt: string, workingDays: number) => string,
): DueDates {
  if (kind === 'elected_official_appointment') {
    return {
      answer: null,
      appointmentFixed: dueDate(receivedLocalDate, APPOINTMENT_FIX_WORKING_DAYS),
      appointmentHeld: dueDate(receivedLocalDate, APPOINTMENT_HELD_WORKING_DAYS),
    };
  }
  const n = answerWorkingDays(kind, channel);
  return { answer: n === null ? null : dueDate(receivedLocalDate, n), appointmentFixed: null, appointmentHeld: null };
}
