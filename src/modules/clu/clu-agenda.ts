/**
 * Ordre du jour d'une réunion du CLU : l'ordre commun des cinq seeds (démarche, enquêtes, mystère,
 * indicateurs, réclamations, courriels types pour avis, plan d'actions, suivi des propositions,
 * questions), pré-rempli puis modifiable. Les clés sont stables : le support de présentation et le
 * compte rendu s'en servent pour placer leurs chapitres ; un point ajouté reçoit `custom-<n>`. Pur.
 */
export interface AgendaItem {
  key: string;
  title: string;
}

export const STANDARD_AGENDA: readonly AgendaItem[] = [
  { key: 'demarche', title: 'La démarche Qual-e-pref et le périmètre de labellisation' },
  { key: 'surveys', title: 'Résultats des enquêtes de satisfaction' },
  { key: 'mystery', title: 'Résultats des enquêtes mystère (appels et courriels)' },
  { key: 'indicators', title: 'Résultats des indicateurs qualité' },
  { key: 'complaints', title: 'Réclamations et suggestions, suites données' },
  { key: 'templates', title: 'Courriers et courriels types soumis pour avis' },
  { key: 'action_plan', title: 'Plan d’actions' },
  { key: 'proposals_follow_up', title: 'Suivi des propositions du précédent comité' },
  { key: 'questions', title: 'Questions et propositions des membres' },
];

export const STANDARD_AGENDA_KEYS: readonly string[] = STANDARD_AGENDA.map((item) => item.key);

export const AGENDA_MAX_ITEMS = 30;
export const AGENDA_TITLE_MAX = 200;

export function standardAgenda(): AgendaItem[] {
  return STANDARD_AGENDA.map((item) => ({ ...item }));
}

/** Lit `agenda_json` ; un contenu illisible donne un ordre du jour vide plutôt qu'une erreur de page. */
export function parseAgenda(json: string | null | undefined): AgendaItem[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return value
      .filter(
        (item): item is AgendaItem =>
          typeof item === 'object' && item !== null && typeof item.key === 'string' && typeof item.title === 'string',
      )
      .map((item) => ({ key: item.key, title: item.title }));
  } catch {
    return [];
  }
}

export interface AgendaRowInput {
  /** Clé existante (vide pour une ligne ajoutée). */
  key: string;
  title: string;
  /** Rang souhaité (saisi par l'utilisateur) ; les égalités gardent l'ordre d'affichage. */
  position: number | null;
  remove: boolean;
}

export type AgendaResult = { ok: true; agenda: AgendaItem[] } | { ok: false; error: string };

const CUSTOM_KEY = /^custom-(\d+)$/;

/**
 * Ordre du jour saisi → liste ordonnée : lignes retirées ou sans intitulé écartées, tri par rang,
 * nouvelles lignes numérotées après le plus grand `custom-<n>` déjà connu (y compris dans l'ordre du
 * jour précédent, pour qu'une clé retirée ne soit jamais réattribuée à un autre point).
 */
export function buildAgenda(rows: AgendaRowInput[], previous: readonly AgendaItem[] = []): AgendaResult {
  const kept = rows
    .map((row, index) => ({ ...row, title: row.title.trim(), index }))
    .filter((row) => !row.remove && row.title !== '');
  if (kept.length === 0) {
    return { ok: false, error: 'Ordre du jour : gardez ou ajoutez au moins un point.' };
  }
  if (kept.length > AGENDA_MAX_ITEMS) {
    return { ok: false, error: `Ordre du jour : ${AGENDA_MAX_ITEMS} points au plus.` };
  }
  const tooLong = kept.find((row) => row.title.length > AGENDA_TITLE_MAX);
  if (tooLong) {
    return {
      ok: false,
      error: `Ordre du jour : ${AGENDA_TITLE_MAX} caractères au plus par point (« ${tooLong.title.slice(0, 40)}… »).`,
    };
  }
  kept.sort((a, b) => (a.position ?? a.index + 1) - (b.position ?? b.index + 1) || a.index - b.index);
  let highest = 0;
  for (const key of [...previous.map((i) => i.key), ...kept.map((r) => r.key)]) {
    const match = CUSTOM_KEY.exec(key);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  const seen = new Set<string>();
  const agenda: AgendaItem[] = [];
  for (const row of kept) {
    let key = row.key.trim();
    // Une clé inconnue (formulaire trafiqué) ou répétée devient un point libre : jamais deux chapitres au même nom.
    const known = STANDARD_AGENDA_KEYS.includes(key) || CUSTOM_KEY.test(key);
    if (!key || !known || seen.has(key)) key = `custom-${++highest}`;
    seen.add(key);
    agenda.push({ key, title: row.title });
  }
  return { ok: true, agenda };
}
