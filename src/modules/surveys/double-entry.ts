/**
 * Double saisie de contrôle d'un formulaire papier, domaine pur : comparer deux saisies du même formulaire
 * question par question, puis composer la réponse retenue après l'arbitrage de l'agent.
 *
 * Décisions :
 * - l'ordre des cases cochées d'un choix multiple ne compte pas (mêmes cases = même réponse) ;
 * - un commentaire est comparé après normalisation des espaces (retours à la ligne, espaces doublés) et
 *   de l'Unicode (NFC) : recopier une écriture manuscrite n'est pas à l'espace près ; la casse et la
 *   ponctuation, elles, comptent ;
 * - une question laissée vide dans une saisie et remplie dans l'autre est un écart.
 */
import type { Questionnaire } from './questionnaire.ts';

/** Valeurs d'une saisie, par clé de question (une liste : cases d'un choix multiple). */
export type EntryValues = ReadonlyMap<string, readonly string[]>;

export interface EntryDifference {
  key: string;
  first: string[];
  second: string[];
}

/** Lignes `(question_key, value)` lues en base → valeurs par question. */
export function entryValuesOf(rows: readonly { question_key: string; value: string }[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const row of rows) {
    const list = values.get(row.question_key);
    if (list) list.push(row.value);
    else values.set(row.question_key, [row.value]);
  }
  return values;
}

function normalizedComment(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function comparable(questionnaire: Questionnaire, key: string, values: readonly string[] | undefined): string[] {
  if (!values) return [];
  const question = questionnaire.questions.find((q) => q.key === key);
  if (question?.type === 'comment') return values.map(normalizedComment).filter((v) => v !== '');
  return [...new Set(values)].sort();
}

/**
 * Les questions dont les deux saisies diffèrent, dans l'ordre du questionnaire (puis, pour une clé qu'il ne
 * connaît plus, dans l'ordre des clés).
 */
export function compareEntries(questionnaire: Questionnaire, first: EntryValues, second: EntryValues): EntryDifference[] {
  const order = questionnaire.questions.map((q) => q.key);
  const extra = [...new Set([...first.keys(), ...second.keys()])].filter((k) => !order.includes(k)).sort();
  const differences: EntryDifference[] = [];
  for (const key of [...order, ...extra]) {
    const a = comparable(questionnaire, key, first.get(key));
    const b = comparable(questionnaire, key, second.get(key));
    if (a.length !== b.length || a.some((v, i) => v !== b[i])) {
      differences.push({ key, first: [...(first.get(key) ?? [])], second: [...(second.get(key) ?? [])] });
    }
  }
  return differences;
}

export type EntryChoice = 'first' | 'second';

/**
 * La réponse composée par l'arbitrage : la première saisie, où chaque question en écart prend la valeur
 * choisie. Une question en écart sans choix est une erreur (rendue par champ `choice.<clé>`).
 */
export function resolvedValues(
  first: EntryValues,
  second: EntryValues,
  differences: readonly EntryDifference[],
  choices: Readonly<Record<string, string | undefined>>,
): { values: Map<string, string[]>; missing: string[] } {
  const values = new Map<string, string[]>([...first].map(([key, list]) => [key, [...list]]));
  const missing: string[] = [];
  for (const difference of differences) {
    const choice = choices[difference.key];
    if (choice !== 'first' && choice !== 'second') {
      missing.push(difference.key);
      continue;
    }
    const chosen = (choice === 'first' ? first : second).get(difference.key);
    if (chosen && chosen.length > 0) values.set(difference.key, [...chosen]);
    else values.delete(difference.key);
  }
  return { values, missing };
}

/** Questions dont la réponse retenue diffère de la réponse enregistrée (à réécrire). */
export function changedKeys(questionnaire: Questionnaire, stored: EntryValues, kept: EntryValues): string[] {
  return compareEntries(questionnaire, stored, kept).map((d) => d.key);
}
