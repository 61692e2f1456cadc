/**
 * Modèles de courriel et de lettre (domaine pur) : variables `{{nom}}`, contrôle à l'enregistrement,
 * rendu.
 *
 * Règles retenues :
 * - une variable inconnue ou des accolades mal fermées sont refusées à l'enregistrement (`checkTemplate`) ;
 * - au rendu, une variable connue sans valeur (demandeur sans nom, dossier sans échéance…) est rendue
 *   vide : les modèles sont écrits pour rester lisibles sans elle, et refuser l'envoi d'un accusé de
 *   réception pour un nom manquant serait pire qu'une phrase un peu moins personnelle ;
 * - une variable inconnue qui aurait échappé au contrôle reste telle quelle dans le texte, visible à la
 *   relecture plutôt que silencieusement effacée.
 */

export interface TemplateVariable {
  name: string;
  description: string;
  /** Valeur d'exemple de l'aperçu (toujours présentée comme un exemple). */
  example: string;
}

export const TEMPLATE_VARIABLES = [
  {
    name: 'organisation.nom',
    description: 'Nom de la préfecture (l’organisation).',
    example: 'Préfecture du Puy-de-Dôme',
  },
  { name: 'dossier.reference', description: 'Référence du dossier dans le registre.', example: '2026-00042' },
  { name: 'dossier.objet', description: 'Objet du message ou du courrier reçu.', example: 'Renouvellement de titre de séjour' },
  {
    name: 'dossier.date_reception',
    description: 'Date de réception du message, en toutes lettres.',
    example: 'lundi 2 mars 2026',
  },
  {
    name: 'echeance',
    description: 'Date limite de réponse, calculée par le calendrier des jours ouvrés (jours fériés et fermetures).',
    example: 'lundi 9 mars 2026',
  },
  {
    name: 'delai_jours_ouvres',
    description: 'Délai de réponse annoncé, en jours ouvrés (5 pour un courriel, 10 pour un courrier).',
    example: '5',
  },
  { name: 'demandeur.nom', description: 'Nom du demandeur, s’il est connu.', example: 'Camille Martin' },
  { name: 'service.nom', description: 'Nom du service qui traite le dossier.', example: 'Service des étrangers' },
  {
    name: 'service.signature',
    description: 'Bloc de signature complet (boîte fonctionnelle, ou boîte individuelle avec le nom et la fonction de l’agent).',
    example: 'Service des étrangers\nPréfecture du Puy-de-Dôme\n18, boulevard Desaix\n63033 Clermont-Ferrand Cedex 1',
  },
  {
    name: 'service.adresse',
    description: 'Adresse postale du service (signature du service).',
    example: '18, boulevard Desaix\n63033 Clermont-Ferrand Cedex 1',
  },
  { name: 'service.telephone', description: 'Téléphone du service (signature du service).', example: '04 73 98 63 63' },
  { name: 'service.site', description: 'Site internet (signature du service).', example: 'www.puy-de-dome.gouv.fr' },
  {
    name: 'service.courriel',
    description: 'Adresse de la boîte fonctionnelle qui envoie le message.',
    example: 'pref-etrangers@puy-de-dome.gouv.fr',
  },
  { name: 'agent.nom', description: 'Nom de l’agent qui répond.', example: 'Dominique Durand' },
  { name: 'agent.fonction', description: 'Fonction de l’agent qui répond (Mon compte).', example: 'Agent d’accueil' },
  {
    name: 'service_destinataire.nom',
    description: 'Service vers lequel le dossier est réorienté (avis de réorientation).',
    example: 'Direction départementale des territoires',
  },
  { name: 'date_du_jour', description: 'Date du jour, en toutes lettres.', example: 'mardi 3 mars 2026' },
] as const satisfies readonly TemplateVariable[];

export type TemplateVariableName = (typeof TEMPLATE_VARIABLES)[number]['name'];
export type TemplateValues = Partial<Record<TemplateVariableName, string | null>>;

const KNOWN = new Set<string>(TEMPLATE_VARIABLES.map((v) => v.name));
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const SINGLE_BRACES = /(?<!\{)\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}(?!\})/g;

export function isTemplateVariable(name: string): name is TemplateVariableName {
  return KNOWN.has(name);
}

export function variableList(): string {
  return TEMPLATE_VARIABLES.map((v) => `{{${v.name}}}`).join(', ');
}

export interface TemplateProblem {
  kind: 'unknown_variable' | 'syntax';
  message: string;
}

function excerpt(text: string, index: number): string {
  return text
    .slice(Math.max(0, index - 15), index + 25)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Problèmes d'un texte de modèle : variables inconnues, accolades mal fermées (liste vide : correct). */
export function checkTemplate(text: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = (match[1] ?? '').trim();
    if (name === '') {
      problems.push({ kind: 'syntax', message: 'Variable vide : « {{}} » ; écrivez par exemple {{dossier.reference}}.' });
      continue;
    }
    if (!KNOWN.has(name) && !seen.has(name)) {
      seen.add(name);
      problems.push({
        kind: 'unknown_variable',
        message: `Variable inconnue : {{${name}}} (variables possibles : ${variableList()})`,
      });
    }
  }
  // Ce qui reste une fois les variables bien formées retirées ne doit plus contenir de double accolade.
  const rest = text.replace(PLACEHOLDER, (m) => ' '.repeat(m.length));
  const stray = rest.search(/\{\{|\}\}/);
  if (stray >= 0) {
    problems.push({
      kind: 'syntax',
      message: `Accolades mal fermées près de « ${excerpt(text, stray)} » : une variable s’écrit {{dossier.reference}}.`,
    });
  }
  for (const match of rest.matchAll(SINGLE_BRACES)) {
    const name = match[1] ?? '';
    if (KNOWN.has(name)) {
      problems.push({
        kind: 'syntax',
        message: `Accolades simples autour de « ${name} » : une variable s’écrit avec deux accolades, {{${name}}}.`,
      });
    }
  }
  return problems;
}

/** Les variables employées par un texte (connues ou non), dans l'ordre, sans doublon. */
export function variablesUsed(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = (match[1] ?? '').trim();
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Les variables connues du texte qui n'ont pas de valeur (elles seront rendues vides). */
export function missingValues(text: string, values: TemplateValues): TemplateVariableName[] {
  return variablesUsed(text).filter((name): name is TemplateVariableName => isTemplateVariable(name) && !values[name]);
}

/** Un texte découpé une fois : ses morceaux fixes, et entre eux les variables connues. */
interface SplitTemplate {
  literals: string[];
  names: TemplateVariableName[];
}

const splitTemplates = new Map<string, SplitTemplate>();

function splitTemplate(text: string): SplitTemplate {
  // Gardé par texte : la relève rend le même modèle d'accusé pour chaque message d'un lot.
  let split = splitTemplates.get(text);
  if (split) return split;
  const literals: string[] = [];
  const names: TemplateVariableName[] = [];
  let from = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = (match[1] ?? '').trim();
    // Une variable inconnue reste écrite telle quelle, dans le morceau fixe.
    if (!isTemplateVariable(name)) continue;
    literals.push(text.slice(from, match.index));
    names.push(name);
    from = match.index + match[0].length;
  }
  literals.push(text.slice(from));
  split = { literals, names };
  if (splitTemplates.size >= 500) splitTemplates.clear();
  splitTemplates.set(text, split);
  return split;
}

/** Remplace les variables par leurs valeurs (voir les règles en tête du fichier). */
export function renderTemplate(text: string, values: TemplateValues): string {
  const { literals, names } = splitTemplate(text);
  let rendered = literals[0] ?? '';
  for (const [index, name] of names.entries()) rendered += (values[name] ?? '') + (literals[index + 1] ?? '');
  return rendered;
}

/** Valeurs d'exemple de l'aperçu. */
export function exampleValues(): TemplateValues {
  const values: TemplateValues = {};
  for (const v of TEMPLATE_VARIABLES) values[v.name] = v.example;
  return values;
}

const longDate = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

const longDates = new Map<string, string>();

/** Une date civile « AAAA-MM-JJ » en toutes lettres : « jeudi 2 avril 2026 », « mardi 1er décembre 2026 ». */
export function formatLongDate(isoDate: string): string {
  // Mémorisée : chaque accusé d'une relève en écrit trois, presque toujours les mêmes jours.
  let text = longDates.get(isoDate);
  if (text === undefined) {
    text = longDate.format(new Date(`${isoDate}T00:00:00Z`)).replace(/ 1 /, ' 1er ');
    if (longDates.size >= 2_000) longDates.clear();
    longDates.set(isoDate, text);
  }
  return text;
}

export interface SelectableTemplate {
  id: string;
  purpose: string;
  case_kind: string | null;
  service_id: string | null;
  archived_at: string | null;
  created_at: string;
}

/**
 * Choix automatique d'un modèle : celui du service et de la nature du dossier, puis celui de la nature,
 * puis celui du service, puis le modèle général. Un modèle lié à un autre service ou à une autre nature
 * n'est jamais retenu ; à égalité, le plus ancien (stable d'un envoi à l'autre).
 */
export function chooseTemplate<T extends SelectableTemplate>(
  templates: readonly T[],
  purpose: string,
  serviceId: string | null,
  caseKind: string | null,
): T | undefined {
  const rank = (t: T): number => {
    if (t.purpose !== purpose || t.archived_at !== null) return -1;
    if (t.service_id !== null && t.service_id !== serviceId) return -1;
    if (t.case_kind !== null && t.case_kind !== caseKind) return -1;
    return (t.case_kind !== null ? 2 : 0) + (t.service_id !== null ? 1 : 0);
  };
  let best: T | undefined;
  let bestRank = -1;
  for (const t of templates) {
    const r = rank(t);
    if (r < 0) continue;
    if (
      r > bestRank ||
      (r === bestRank && best && (t.created_at < best.created_at || (t.created_at === best.created_at && t.id < best.id)))
    ) {
      best = t;
      bestRank = r;
    }
  }
  return best;
}
