/**
 * Les deux grilles toutes prêtes des enquêtes mystère (appels, courriels), tirées des seeds : critères de
 * la Seine-Maritime (prise en charge, formule d'accueil, courtoisie, orientation vers les sites internet
 * officiels, 1er niveau de renseignement, transfert d'appel, prise de congé, SVI ; délai de réponse,
 * information en cas de réorientation, signature électronique, langage et mise en page), recommandations
 * de l'Allier (accusé de réception, pièces jointes signalées, liens cités en entier) et nombre moyen de
 * sonneries du Puy-de-Dôme.
 *
 * Les grilles sont bâties sur le moteur des questionnaires (`surveys/questionnaire.ts`) : chaque critère
 * est une question Oui / Non du moteur, avec son critère et son engagement du référentiel, et
 * `gridQuestionnaire` rend un questionnaire que `checkQuestionnaire` accepte. La grille y ajoute ce que le
 * moteur n'a pas besoin de connaître :
 * - « Sans objet » (`na`) pour les critères qui peuvent ne pas s'appliquer (pas de transfert, pas de SVI) :
 *   exclu du n, comme « Sans avis » l'est du taux de satisfaction ;
 * - la provenance de la réponse : l'enquêteur, la mesure automatique des courriels (issue 9), ou une
 *   déduction (la prise en charge se déduit du nombre de sonneries) ;
 * - le nombre de sonneries, une mesure (0 à 30) et non un critère : il n'a pas de taux, il donne une
 *   moyenne et la prise en charge. Pourquoi pas un type de question « nombre » dans le moteur : le moteur
 *   sert aussi l'éditeur de questionnaires, la borne, la saisie papier, la double saisie, les résultats et
 *   les exports des enquêtes, qui devraient tous apprendre ce type ou le refuser ; une mesure propre à la
 *   grille ne touche à aucun d'eux.
 *
 * Module pur : ni base ni HTTP.
 */
import { type Questionnaire, questionnaireProblems, type SurveyedChannel } from '../surveys/questionnaire.ts';
import type { MysteryChannel } from './mystery-plan.ts';

/** Réponse à un critère de la grille. */
export const GRID_ANSWERS = ['yes', 'no', 'na'] as const;
export type GridAnswer = (typeof GRID_ANSWERS)[number];

export const GRID_ANSWER_LABELS: Record<GridAnswer, string> = { yes: 'Oui', no: 'Non', na: 'Sans objet' };

/** Réponses d'un contact, par clé de question (`answers_json`) : `yes`, `no`, `na`, ou un nombre (sonneries). */
export type GridAnswers = Record<string, GridAnswer | number>;

/**
 * Provenance d'une réponse :
 * - `evaluator` : l'enquêteur répond ;
 * - `measured` : Vigie la mesure seule pour un courriel (accusé, délai, réorientation, signature, pièces
 *   jointes, liens) ; l'enquêteur la voit sans la modifier, avec ce qui l'explique ;
 * - `derived` : calculée depuis une autre réponse (prise en charge ← sonneries).
 */
export type GridSource = 'evaluator' | 'measured' | 'derived';

export interface GridCriterion {
  /** Clé stable (contrat de l'issue 9), aussi clé du critère et de la question du moteur. */
  key: string;
  /** Libellé du critère, comme dans les seeds (résultats, support du CLU). */
  label: string;
  /** La question posée à l'enquêteur. */
  question: string;
  hint?: string;
  /** Engagements du référentiel Qual-e-pref servis par ce critère (déduits de leur texte, comme ceux des modèles de questionnaires). */
  engagements: number[];
  source: GridSource;
  /** « Sans objet » possible, et dans quel cas (« sans transfert »). */
  notApplicable: string | null;
  /** Libellé du point fort quand le critère est presque toujours respecté (vocabulaire des seeds). */
  strength: string;
  /** Libellé du point de vigilance quand il ne l'est pas. */
  vigilance: string;
}

/** Mesure chiffrée de la grille des appels : le nombre de sonneries avant le décroché. */
export interface GridMeasure {
  key: 'rings';
  label: string;
  hint: string;
  min: number;
  max: number;
  /** Critère déduit de la mesure : `pickup` vaut Oui quand sonneries ≤ `threshold`. */
  derives: string;
  threshold: number;
}

export interface MysteryGrid {
  channel: MysteryChannel;
  key: string;
  title: string;
  introduction: string;
  measure: GridMeasure | null;
  criteria: GridCriterion[];
}

/** Au plus 5 sonneries avant le décroché (Loir-et-Cher : « transfert des appels au bout de 5 sonneries »). */
export const PICKUP_MAX_RINGS = 5;
/** Saisie des sonneries : 0 à 30 (au-delà, l'appel n'a pas été pris : l'enquêteur inscrit 30). */
export const RINGS_MIN = 0;
export const RINGS_MAX = 30;
/** Longueur maximale des notes de l'enquêteur. */
export const NOTES_MAX_LENGTH = 2000;

export const CALL_GRID: MysteryGrid = {
  channel: 'call',
  key: 'mystery_call',
  title: 'Grille des appels mystère',
  introduction:
    'Remplissez la grille juste après l’appel. Répondez « Sans objet » seulement quand le critère ne pouvait pas s’appliquer (pas de transfert, pas de serveur vocal).',
  measure: {
    key: 'rings',
    label: 'Nombre de sonneries avant le décroché',
    hint: 'Comptez les sonneries jusqu’au décroché (agent ou serveur vocal) ; 0 à 30, inscrivez 30 si personne n’a décroché.',
    min: RINGS_MIN,
    max: RINGS_MAX,
    derives: 'pickup',
    threshold: PICKUP_MAX_RINGS,
  },
  criteria: [
    {
      key: 'pickup',
      label: 'Prise en charge (5 sonneries au plus)',
      question: 'Prise en charge : décroché en 5 sonneries au plus',
      hint: 'Déduit du nombre de sonneries.',
      engagements: [10],
      source: 'derived',
      notApplicable: null,
      strength: 'Prise en charge rapide',
      vigilance: 'Les appels ont parfois été pris au-delà de 5 sonneries',
    },
    {
      key: 'greeting',
      label: 'Formule d’accueil',
      question: 'Formule d’accueil : la préfecture ou le service s’est identifié et a salué (« Préfecture de …, bonjour »)',
      engagements: [2],
      source: 'evaluator',
      notApplicable: null,
      strength: 'Utilisation systématique de la formule d’accueil',
      vigilance: 'Bien s’identifier au décroché (pour les services : « nom du service puis bonjour »)',
    },
    {
      key: 'courtesy',
      label: 'Courtoisie',
      question: 'Courtoisie : l’accueil a été courtois et rassurant',
      engagements: [2],
      source: 'evaluator',
      notApplicable: null,
      strength: 'L’accueil a été courtois et rassurant',
      vigilance: 'La courtoisie de l’accueil est à améliorer',
    },
    {
      key: 'official_sites',
      label: 'Orientation vers les sites officiels',
      question: 'Orientation vers les sites internet officiels, cités en entier',
      hint: 'Sans objet si la question ne demandait aucun renvoi vers un site.',
      engagements: [12],
      source: 'evaluator',
      notApplicable: 'sans renvoi vers un site',
      strength: 'Orientation vers les sites internet officiels',
      vigilance: 'Attention à la réponse lapidaire « il y a tout sur le site internet » : citer le site officiel en entier',
    },
    {
      key: 'first_level_info',
      label: '1er niveau de renseignement',
      question: '1er niveau de renseignement : information exacte, complète et conforme à la réglementation',
      engagements: [10],
      source: 'evaluator',
      notApplicable: null,
      strength: 'Qualité des informations de 1er niveau données',
      vigilance: 'Les informations de 1er niveau données sont parfois incomplètes ou inexactes',
    },
    {
      key: 'transfer_announced',
      label: 'Transfert annoncé',
      question: 'Transfert annoncé : l’agent a indiqué vers quel service l’appel était transféré',
      hint: 'Sans objet si l’appel n’a pas été transféré.',
      engagements: [5],
      source: 'evaluator',
      notApplicable: 'sans transfert',
      strength: 'Le service vers lequel l’appel est transféré est annoncé',
      vigilance:
        'En cas de transfert vers un service « métier », l’agent n’indique pas toujours avec quel service l’usager va être mis en relation',
    },
    {
      key: 'farewell',
      label: 'Prise de congé',
      question: 'Prise de congé : formule de politesse en fin d’appel',
      engagements: [2],
      source: 'evaluator',
      notApplicable: null,
      strength: 'Prise de congé courtoise',
      vigilance: 'La prise de congé est à soigner (formule de politesse)',
    },
    {
      key: 'ivr',
      label: 'SVI',
      question: 'Serveur vocal interactif (SVI) : structuré, clair, horaires annoncés',
      hint: 'Sans objet si l’appel n’est pas passé par un serveur vocal.',
      engagements: [8],
      source: 'evaluator',
      notApplicable: 'sans SVI',
      strength: 'Le SVI est bien structuré et clair',
      vigilance: 'Le SVI est à clarifier (arborescence, horaires d’ouverture)',
    },
  ],
};

export const EMAIL_GRID: MysteryGrid = {
  channel: 'email',
  key: 'mystery_email',
  title: 'Grille des courriels mystère',
  introduction:
    'Vigie mesure seule l’accusé de réception, le délai de réponse, l’information en cas de réorientation, la signature, les pièces jointes et les liens : ces réponses sont affichées avec leur explication. Complétez le reste après lecture de la réponse.',
  measure: null,
  criteria: [
    {
      key: 'acknowledgment',
      label: 'Accusé de réception',
      question: 'Accusé de réception reçu',
      engagements: [17],
      source: 'measured',
      notApplicable: null,
      strength: 'Tous les courriels ont eu un accusé de réception',
      vigilance: 'Toujours accuser réception (accusé de réception automatique) et mentionner les délais de traitement',
    },
    {
      key: 'answer_in_time',
      label: 'Délai de réponse (5 jours ouvrés)',
      question: 'Réponse reçue dans les 5 jours ouvrés',
      engagements: [17],
      source: 'measured',
      notApplicable: null,
      strength: 'Réponses apportées dans le délai de 5 jours ouvrés',
      vigilance: 'Délai de 5 jours ouvrés dépassé pour certaines réponses',
    },
    {
      key: 'reorientation_notice',
      label: 'Information en cas de réorientation',
      question: 'Information de l’usager en cas de réorientation vers un autre service',
      hint: 'Sans objet si le courriel n’a pas été réorienté.',
      engagements: [5],
      source: 'measured',
      notApplicable: 'sans réorientation',
      strength: 'Usagers informés en cas de transfert de leur courriel à un autre service',
      vigilance: 'Les usagers mystère n’ont pas toujours été informés en cas de transfert de leur courriel à un autre service',
    },
    {
      key: 'complete_signature',
      label: 'Signature complète',
      question: 'Signature complète : service, adresse postale, téléphone, site internet',
      hint: 'Sans objet si aucun message n’a été reçu.',
      engagements: [16],
      source: 'measured',
      notApplicable: 'aucun message reçu',
      strength: 'Signature électronique complète et permettant l’identification',
      vigilance: 'La signature électronique est parfois partielle (service, adresse postale, téléphone)',
    },
    {
      key: 'language_layout',
      label: 'Langage et mise en page',
      question: 'Langage et mise en page : courtois, lisible, orthographe, grammaire et ponctuation soignées',
      hint: 'Sans objet si aucune réponse n’a été reçue.',
      engagements: [16],
      source: 'evaluator',
      notApplicable: 'sans réponse',
      strength: 'Les courriels sont courtois et lisibles',
      vigilance: 'Rédiger en soignant l’orthographe, la grammaire, la ponctuation et la mise en page',
    },
    {
      key: 'attachments_announced',
      label: 'Pièces jointes annoncées',
      question: 'Pièces jointes annoncées présentes',
      hint: 'Sans objet si aucune pièce jointe n’était annoncée.',
      engagements: [16],
      source: 'measured',
      notApplicable: 'aucune pièce jointe annoncée',
      strength: 'Les pièces jointes annoncées sont présentes',
      vigilance: 'Signaler les pièces jointes dans le corps du message et joindre celles qui sont annoncées',
    },
    {
      key: 'complete_links',
      label: 'Liens complets',
      question: 'Liens complets : adresses citées en entier, sans renvoi vague',
      hint: 'Sans objet si la réponse ne contenait aucun lien.',
      engagements: [16],
      source: 'measured',
      notApplicable: 'aucun lien',
      strength: 'Liens cités en entier',
      vigilance: 'Bannir les renvois vagues vers les sites sans les citer en entier',
    },
  ],
};

export const MYSTERY_GRIDS: Record<MysteryChannel, MysteryGrid> = { call: CALL_GRID, email: EMAIL_GRID };

export function gridOf(channel: string): MysteryGrid {
  return channel === 'email' ? EMAIL_GRID : CALL_GRID;
}

export function gridCriterion(channel: string, key: string): GridCriterion | undefined {
  return gridOf(channel).criteria.find((c) => c.key === key);
}

/**
 * Canal enquêté passé au moteur pour son contrôle. Le moteur ne connaît que quatre canaux enquêtés
 * (accueil physique, point d'accès numérique, téléphone, site internet) et pas le courriel : la grille des
 * courriels lui est présentée sous « site internet », le plus proche. Cette valeur ne sert qu'au contrôle :
 * la grille n'est jamais rangée parmi les questionnaires d'enquête, son canal de référence est `channel`.
 */
const ENGINE_CHANNEL: Record<MysteryChannel, SurveyedChannel> = { call: 'phone', email: 'website' };

/** La grille en questionnaire du moteur : une question Oui / Non obligatoire par critère, avec son critère et ses engagements. */
export function gridQuestionnaire(grid: MysteryGrid): Questionnaire {
  return {
    key: grid.key,
    title: grid.title,
    surveyedChannel: ENGINE_CHANNEL[grid.channel],
    introduction: grid.introduction,
    questions: grid.criteria.map((c) => ({
      key: c.key,
      label: c.question,
      ...(c.hint ? { hint: c.hint } : {}),
      type: 'yes_no' as const,
      required: true,
      engagements: [...c.engagements],
      criterion: { key: c.key, label: c.label },
    })),
  };
}

/** Erreurs du moteur pour une grille (aucune = grille utilisable), avec les engagements connus du référentiel. */
export function gridProblems(grid: MysteryGrid, knownEngagements: Iterable<number>): Record<string, string> {
  return questionnaireProblems(gridQuestionnaire(grid), knownEngagements).errors;
}

// --- Lecture et contrôle d'une grille remplie ------------------------------------------------------

export function isGridAnswer(value: unknown): value is GridAnswer {
  return typeof value === 'string' && (GRID_ANSWERS as readonly string[]).includes(value);
}

/** Lit `answers_json` ; une valeur illisible ou inconnue est ignorée (la grille la redemandera). */
export function parseGridAnswers(json: string | null): GridAnswers {
  if (!json) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return {};
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const answers: GridAnswers = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (isGridAnswer(value)) answers[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) answers[key] = value;
  }
  return answers;
}

/** Réponse « Oui / Non / Sans objet » d'un critère, ou `undefined` si elle manque. */
export function criterionAnswer(answers: GridAnswers, key: string): GridAnswer | undefined {
  const value = answers[key];
  return isGridAnswer(value) ? value : undefined;
}

/** Le critère déduit de la mesure (sonneries ≤ seuil → Oui). */
export function derivedAnswer(measure: GridMeasure, value: number | undefined): GridAnswer | undefined {
  if (value === undefined) return undefined;
  return value <= measure.threshold ? 'yes' : 'no';
}

/** Les critères mesurés qui n'ont pas encore de valeur (courriel : mesure en attente). */
export function missingMeasured(grid: MysteryGrid, answers: GridAnswers): GridCriterion[] {
  return grid.criteria.filter((c) => c.source === 'measured' && criterionAnswer(answers, c.key) === undefined);
}

/** Vrai quand chaque critère a sa réponse, et la mesure sa valeur : le contact peut passer à `done`. */
export function isGridComplete(channel: string, answers: GridAnswers): boolean {
  const grid = gridOf(channel);
  if (grid.measure && typeof answers[grid.measure.key] !== 'number') return false;
  return grid.criteria.every((c) => criterionAnswer(answers, c.key) !== undefined);
}

export interface GridInput {
  /** Valeurs saisies, par clé (`answers.<clé>` du formulaire). */
  values: Record<string, string | undefined>;
  notes: string | undefined;
}

export interface CheckedGrid {
  answers: GridAnswers;
  notes: string | null;
  complete: boolean;
  errors: Record<string, string>;
}

/** Nom du champ de formulaire d'une question de la grille (et `champ-<nom>` pour son identifiant HTML). */
export function gridFieldName(key: string): string {
  return `answers.${key}`;
}

/**
 * Contrôle la saisie d'une grille. Les réponses mesurées (`measured`, déjà dans `answers_json`) ne sont
 * jamais prises du formulaire quand `measuredLocked` : l'enquêteur ne peut pas les changer. Chaque critère
 * saisi par l'enquêteur est obligatoire (Oui, Non, ou Sans objet quand c'est possible) ; les sonneries
 * sont un entier de 0 à 30. Le critère déduit est recalculé. Rend les erreurs par champ, en français.
 */
export function checkGridInput(
  channel: string,
  input: GridInput,
  existing: GridAnswers,
  options: { measuredLocked: boolean },
): CheckedGrid {
  const grid = gridOf(channel);
  const errors: Record<string, string> = {};
  const answers: GridAnswers = {};
  if (grid.measure) {
    const measure = grid.measure;
    const raw = (input.values[measure.key] ?? '').trim();
    const field = gridFieldName(measure.key);
    if (raw === '') {
      errors[field] = `${measure.label} : indiquez un nombre de ${measure.min} à ${measure.max}.`;
    } else if (!/^\d{1,3}$/.test(raw) || Number(raw) < measure.min || Number(raw) > measure.max) {
      errors[field] =
        `${measure.label} : un nombre entier de ${measure.min} à ${measure.max} est attendu (reçu « ${raw.slice(0, 20)} »).`;
    } else {
      answers[measure.key] = Number(raw);
    }
  }
  for (const criterion of grid.criteria) {
    const field = gridFieldName(criterion.key);
    if (criterion.source === 'derived') {
      const measure = grid.measure;
      const value = measure ? answers[measure.key] : undefined;
      const derived = measure && typeof value === 'number' ? derivedAnswer(measure, value) : undefined;
      if (derived) answers[criterion.key] = derived;
      continue;
    }
    if (criterion.source === 'measured' && options.measuredLocked) {
      const kept = criterionAnswer(existing, criterion.key);
      if (kept) answers[criterion.key] = kept;
      continue;
    }
    const raw = input.values[criterion.key];
    if (raw === undefined || raw === '') {
      errors[field] = `${criterion.label} : répondez Oui, Non${criterion.notApplicable ? ' ou Sans objet' : ''}.`;
    } else if (!isGridAnswer(raw) || (raw === 'na' && !criterion.notApplicable)) {
      errors[field] = criterion.notApplicable
        ? `${criterion.label} : réponse inconnue (Oui, Non ou Sans objet).`
        : `${criterion.label} : répondez Oui ou Non (« Sans objet » n’est pas possible pour ce critère).`;
    } else {
      answers[criterion.key] = raw;
    }
  }
  const notes = (input.notes ?? '').trim();
  if (notes.length > NOTES_MAX_LENGTH) {
    errors.notes = `Notes : ${NOTES_MAX_LENGTH.toLocaleString('fr-FR')} caractères au plus (${notes.length.toLocaleString('fr-FR')} saisis).`;
  }
  return { answers, notes: notes === '' ? null : notes, complete: isGridComplete(channel, answers), errors };
}

// --- Mesures des courriels (`measured_json`, écrit par la relève de la boîte mystère) ------------------

export interface MeasuredEmail {
  sentAt: string | null;
  acknowledgment: { at: string; minutes: number } | null;
  answer: { at: string; workingDays: number; inTime: boolean } | null;
  reminders: number;
  reorientation: boolean;
  signature: { complete: boolean; missing: string[] } | null;
  attachments: { announced: number | boolean; present: number | boolean } | null;
  links: { total: number; incomplete: string[] } | null;
  messages: number;
}

function obj(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Lit `measured_json` (contrat de l'issue 9) ; `null` s'il n'y a pas de mesure ou qu'elle est illisible. */
export function parseMeasured(json: string | null): MeasuredEmail | null {
  if (!json) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  const m = obj(raw);
  if (!m) return null;
  const ack = obj(m.acknowledgment);
  const answer = obj(m.answer);
  const signature = obj(m.signature);
  const attachments = obj(m.attachments);
  const links = obj(m.links);
  const count = (v: unknown): number | boolean => (typeof v === 'boolean' ? v : num(v));
  return {
    sentAt: typeof m.sentAt === 'string' ? m.sentAt : null,
    acknowledgment: ack && typeof ack.at === 'string' ? { at: ack.at, minutes: num(ack.minutes) } : null,
    answer:
      answer && typeof answer.at === 'string'
        ? { at: answer.at, workingDays: num(answer.workingDays), inTime: answer.inTime === true }
        : null,
    reminders: num(m.reminders),
    reorientation: m.reorientation === true,
    signature: signature ? { complete: signature.complete === true, missing: strings(signature.missing) } : null,
    attachments: attachments ? { announced: count(attachments.announced), present: count(attachments.present) } : null,
    links: links ? { total: num(links.total), incomplete: strings(links.incomplete) } : null,
    messages: num(m.messages),
  };
}

/** Éléments de signature mesurés (clés de la relève de la boîte mystère), tels qu'ils se lisent dans l'explication. */
const SIGNATURE_PARTS: Record<string, string> = {
  identity: 'le nom et la fonction, ou le service',
  postal_address: 'l’adresse postale',
  phone: 'le téléphone',
  website: 'le site internet',
};

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;
}

function duration(minutes: number): string {
  if (minutes < 60) return plural(Math.round(minutes), 'min', 'min');
  if (minutes < 48 * 60) return plural(Math.round(minutes / 60), 'heure', 'heures');
  return plural(Math.round(minutes / (24 * 60)), 'jour', 'jours');
}

/**
 * Ce qui explique une réponse mesurée, en français (« accusé reçu 3 min après l'envoi », « signature :
 * manque le téléphone ») ; `null` quand il n'y a rien à dire.
 */
export function measuredExplanation(key: string, measured: MeasuredEmail | null): string | null {
  if (!measured) return null;
  switch (key) {
    case 'acknowledgment':
      return measured.acknowledgment
        ? `accusé reçu ${duration(measured.acknowledgment.minutes)} après l’envoi`
        : 'aucun accusé de réception reçu';
    case 'answer_in_time': {
      const reminders = measured.reminders > 0 ? `, après ${plural(measured.reminders, 'relance', 'relances')}` : '';
      if (!measured.answer) return `aucune réponse reçue à ce jour${reminders}`;
      const days = plural(measured.answer.workingDays, 'jour ouvré', 'jours ouvrés');
      return measured.answer.inTime
        ? `réponse reçue en ${days}, dans le délai${reminders}`
        : `réponse reçue en ${days}, hors délai${reminders}`;
    }
    case 'reorientation_notice':
      return measured.reorientation ? 'courriel réorienté vers un autre service' : 'courriel non réorienté : sans objet';
    case 'complete_signature':
      if (!measured.signature) return null;
      if (measured.signature.complete) return 'signature complète';
      if (measured.signature.missing.length === 0) return 'aucune réponse reçue : signature non évaluée';
      return `signature : manque ${measured.signature.missing.map((m) => SIGNATURE_PARTS[m] ?? m).join(', ')}`;
    case 'attachments_announced': {
      const a = measured.attachments;
      if (!a) return null;
      const announced = typeof a.announced === 'boolean' ? (a.announced ? 1 : 0) : a.announced;
      if (announced === 0) return 'aucune pièce jointe annoncée : sans objet';
      if (typeof a.present === 'boolean')
        return a.present ? 'pièces jointes annoncées présentes' : 'pièces jointes annoncées absentes';
      return `${plural(announced, 'pièce jointe annoncée', 'pièces jointes annoncées')}, ${plural(a.present, 'présente', 'présentes')}`;
    }
    case 'complete_links': {
      const l = measured.links;
      if (!l) return null;
      if (l.total === 0) return 'aucun lien : sans objet';
      if (l.incomplete.length === 0) return `${plural(l.total, 'lien', 'liens')}, ${l.total > 1 ? 'tous complets' : 'complet'}`;
      return `${plural(l.incomplete.length, 'lien incomplet', 'liens incomplets')} sur ${l.total} : ${l.incomplete.join(', ')}`;
    }
    default:
      return null;
  }
}
