import type { IndicatorYearTable } from '../indicators/indicator.service.ts';

/**
 * Les chiffres d'un support de CLU, figés à la génération (BRIEF : ce qui est publié ne change plus ;
 * le support se reconstruit à l'identique depuis cet instantané, quelles que soient les corrections
 * faites depuis). Le compte rendu lit les mêmes chiffres. Pur : aucun accès à la base ici.
 */
export const DECK_SNAPSHOT_VERSION = 1;

export interface DeckMeeting {
  id: string;
  /** Date et heure locales `AAAA-MM-JJTHH:MM`. */
  startsAt: string;
  place: string;
  chair: string;
  periodFrom: string;
  periodTo: string;
  agenda: { key: string; title: string }[];
}

export interface DeckOrganisation {
  name: string;
  /** Bloc-marque : « PRÉFET DU PUY-DE-DÔME ». */
  brand: string;
  /** Chef-lieu, pour « Clermont-Ferrand, le … ». */
  city: string;
}

export interface DeckPerimeter {
  modules: { code: string; title: string; engagements: { code: string; title: string }[] }[];
}

/** Un critère d'enquête : taux (BRIEF : sans avis exclus ; NA jamais 0), n, intervalle de Wilson. */
export interface DeckSurveyCriterion {
  key: string;
  label: string;
  status: 'measured' | 'not_applicable';
  /** Taux en pourcentage (0–100), arrondi à 0,1 ; nul si sans objet. */
  rate: number | null;
  n: number;
  low: number | null;
  high: number | null;
  indicative: boolean;
  /** Répartition des réponses exprimées et « sans avis », dans l'ordre de l'échelle. */
  distribution: { label: string; count: number }[];
}

export interface DeckSurveyChannel {
  channel: string;
  channelLabel: string;
  campaigns: string[];
  responses: number;
  criteria: DeckSurveyCriterion[];
  global: { rate: number | null; n: number; meanOfCriteria: number | null };
}

/** Section remplie par un autre module (les enquêtes mystère, issue 9) ; absente : diapositive « aucune donnée ». */
export interface DeckExtraSection {
  key: string;
  title: string;
  /** Diapositives déjà mises en données : titre, puces, tableau facultatif. */
  slides: { title: string; bullets: string[]; table?: { head: string[]; rows: string[][] } }[];
}

export interface DeckComplaints {
  total: number;
  byChannel: { channel: string; label: string; count: number }[];
  byTheme: { theme: string; count: number }[];
  byKind: { kind: string; label: string; count: number }[];
  /** Suites données : réponses dans le délai, hors délai, sans réponse, actions créées depuis un dossier ou un thème. */
  followUp: { answeredInTime: number; answeredLate: number; unanswered: number; actionsCreated: number };
  /** Les « suites données » écrites dans les dossiers de la période (les plus récentes d'abord, 20 au plus). */
  followUpNotes?: { reference: string; kind: string; kindLabel: string; themes: string[]; text: string }[];
}

export interface DeckTemplate {
  name: string;
  purpose: string;
  purposeLabel: string;
  subject: string | null;
  body: string;
  opinion: string | null;
}

export interface DeckActionItem {
  number: number;
  objective: string;
  description: string;
  services: string[];
  dueDate: string;
  status: string;
  statusLabel: string;
  originKind: string;
  originLabel: string;
}

export interface DeckActionPlan {
  done: DeckActionItem[];
  inProgress: DeckActionItem[];
  created: DeckActionItem[];
  byOrigin: { originKind: string; originLabel: string; done: number; titles: string[] }[];
}

export interface DeckProposalFollowUp {
  /** Réunion précédente (date locale), ou nul s'il n'y en a pas. */
  previousMeetingStartsAt: string | null;
  items: {
    text: string;
    memberOrganisation: string | null;
    status: string;
    statusLabel: string;
    followUp: string | null;
    actionNumber: number | null;
  }[];
}

export interface CluDeckSnapshot {
  version: typeof DECK_SNAPSHOT_VERSION;
  generatedAt: string;
  organisation: DeckOrganisation;
  meeting: DeckMeeting;
  perimeter: DeckPerimeter;
  surveys: DeckSurveyChannel[];
  /** Sections d'autres modules, par clé (`mystery`). */
  extraSections: DeckExtraSection[];
  /**
   * Emplacements attendus pour ces sections (`[{ key: 'mystery', title: 'Enquêtes mystère' }]`) : un
   * emplacement sans section donne la diapositive « … — aucune donnée pour la période ».
   */
  extraSectionSlots?: { key: string; title: string }[];
  /** Tableau des indicateurs de l'année de fin de période, tel que le module des indicateurs le calcule. */
  indicators: IndicatorYearTable;
  complaints: DeckComplaints;
  templates: DeckTemplate[];
  actionPlan: DeckActionPlan;
  proposals: DeckProposalFollowUp;
}
