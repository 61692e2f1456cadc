/**
 * Questionnaires de satisfaction comme données : modèle, schéma de validation et contrôles de cohérence.
 * Module pur (ni base, ni serveur) : les modèles livrés sont dans `data/questionnaires.json`, leurs sources
 * dans `data/SOURCES.md`.
 *
 * Vocabulaire : le *canal enquêté* (`surveyedChannel`) est le canal dont on mesure la satisfaction ; il ne
 * faut pas le confondre avec le *mode de collecte* (borne, QR code, papier, téléphone), qui appartient au
 * point de collecte d'une campagne, pas au questionnaire.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError, type FieldErrors } from '../../shared/errors.ts';
// Messages par défaut de zod en français (configurés une fois pour tout le projet).
import '../../shared/validation.ts';

/**
 * Canaux enquêtés :
 * - `physical_reception` : accueil physique (accueil général, guichets, accueil des étrangers) ;
 * - `digital_access_point` : point d'accès numérique (PAN), poste en libre-service accompagné ;
 * - `phone` : accueil téléphonique (standard et services) ;
 * - `website` : site internet de la préfecture (et prise de rendez-vous en ligne).
 */
export const SURVEYED_CHANNELS = ['physical_reception', 'digital_access_point', 'phone', 'website'] as const;
export type SurveyedChannel = (typeof SURVEYED_CHANNELS)[number];

export const SURVEYED_CHANNEL_LABELS: Record<SurveyedChannel, string> = {
  physical_reception: 'Accueil physique',
  digital_access_point: 'Point d’accès numérique',
  phone: 'Accueil téléphonique',
  website: 'Site internet',
};

/**
 * Types de question :
 * - `satisfaction_4` : échelle à quatre niveaux, plus « Sans avis » (exclu du taux) ;
 * - `yes_no` : Oui / Non (taux = Oui / (Oui + Non)) ;
 * - `single_choice`, `multiple_choice` : questions de profil (raison de la venue…), sans taux ;
 * - `comment` : le seul texte libre, au plus un par questionnaire.
 */
export const QUESTION_TYPES = ['satisfaction_4', 'yes_no', 'single_choice', 'multiple_choice', 'comment'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const QUESTION_TYPE_LABELS: Record<QuestionType, string> = {
  satisfaction_4: 'Échelle de satisfaction à quatre niveaux',
  yes_no: 'Oui / Non',
  single_choice: 'Choix unique',
  multiple_choice: 'Choix multiple',
  comment: 'Commentaire libre',
};

export interface AnswerOption {
  key: string;
  label: string;
}

/** Niveaux de l'échelle, du meilleur au pire ; `favourable` = compté au numérateur du taux de satisfaction. */
export const SATISFACTION_LEVELS = [
  { key: 'very_satisfied', label: 'Très satisfaisant', favourable: true },
  { key: 'satisfied', label: 'Satisfaisant', favourable: true },
  { key: 'dissatisfied', label: 'Peu satisfaisant', favourable: false },
  { key: 'very_dissatisfied', label: 'Pas du tout satisfaisant', favourable: false },
] as const;

/** Réponse « Sans avis » : proposée avec l'échelle, exclue des réponses exprimées. */
export const NO_OPINION = { key: 'no_opinion', label: 'Sans avis' } as const;

export const YES_NO_OPTIONS = [
  { key: 'yes', label: 'Oui' },
  { key: 'no', label: 'Non' },
] as const;

/** Texte affiché sous le commentaire libre : c'est le seul champ où une donnée personnelle pourrait entrer. */
export const COMMENT_PERSONAL_DATA_HINT =
  'Ce commentaire est anonyme : n’y indiquez ni votre nom, ni votre adresse, ni votre numéro de téléphone, ni votre adresse électronique.';

/** Longueur par défaut et plafond d'un commentaire (un commentaire d'un mégaoctet est refusé bien avant). */
export const COMMENT_DEFAULT_MAX_LENGTH = 2000;
export const COMMENT_MAX_LENGTH_LIMIT = 5000;

/**
 * Critères des modèles livrés : clé stable (comparaisons entre campagnes, indicateurs) ↔ libellé.
 * Un questionnaire peut en introduire d'autres ; la même clé garde alors le même sens d'un canal à l'autre.
 */
export const STANDARD_CRITERIA = {
  courtesy: 'Accueil et courtoisie',
  availability: 'Disponibilité des agents',
  orientation: 'Orientation et prise en charge',
  waiting_time: 'Délai d’attente',
  confidentiality: 'Confidentialité',
  comfort: 'Confort des espaces d’accueil et d’attente',
  signage: 'Signalétique',
  plain_language: 'Langage simple et compréhensible',
  relevant_answer: 'Réponse adaptée à la situation',
  disability_support: 'Prise en compte des personnes en situation de handicap',
  difficulty_support: 'Prise en compte des personnes en difficulté',
  appointment_delay: 'Délai d’obtention d’un rendez-vous',
  website_access: 'Facilité d’accès au site internet',
  website_organisation: 'Organisation du site internet',
  website_completeness: 'Complétude des informations du site internet',
  online_booking: 'Facilité de prise de rendez-vous en ligne',
} as const satisfies Record<string, string>;
export type StandardCriterionKey = keyof typeof STANDARD_CRITERIA;

/**
 * Indicateurs du référentiel calculés à partir des enquêtes : canal enquêté et critère lus (critère `null`
 * = taux global du canal). Le module des indicateurs lit les résultats, il ne copie pas les réponses.
 */
export const SURVEY_INDICATORS: Record<string, { surveyedChannel: SurveyedChannel; criterion: StandardCriterionKey | null }> = {
  PAN_SATISF_CONF: { surveyedChannel: 'digital_access_point', criterion: 'confidentiality' },
  WEB_SATISFACTION: { surveyedChannel: 'website', criterion: null },
};

const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

function keyField(label: string) {
  return z
    .string({ error: `${label} : champ obligatoire.` })
    .regex(KEY_PATTERN, { error: `${label} : lettres minuscules sans accent, chiffres et « _ », en commençant par une lettre.` });
}

function textField(label: string, max: number) {
  return z
    .string({ error: `${label} : champ obligatoire.` })
    .trim()
    .min(1, { error: `${label} : champ obligatoire.` })
    .max(max, { error: `${label} : ${max} caractères au plus.` });
}

const optionSchema = z.strictObject({
  key: keyField('Clé de l’option'),
  label: textField('Libellé de l’option', 200),
});

const criterionSchema = z.strictObject({
  key: keyField('Clé du critère'),
  label: textField('Libellé du critère', 200),
});

const engagementsSchema = z
  .array(z.int({ error: 'Engagement : numéro entier attendu.' }).positive({ error: 'Engagement : numéro positif attendu.' }), {
    error: 'Engagements : liste de numéros attendue.',
  })
  .max(10, { error: 'Engagements : 10 au plus par question.' })
  .default([]);

const showIfSchema = z
  .strictObject({
    question: keyField('Question conditionnelle'),
    answer: keyField('Réponse attendue'),
  })
  .optional();

/** Champs communs à tous les types de question. */
const base = {
  key: keyField('Clé de la question'),
  label: textField('Libellé de la question', 300),
  hint: textField('Aide', 500).optional(),
  required: z.boolean({ error: 'Obligatoire : vrai ou faux.' }).default(false),
  engagements: engagementsSchema,
  /** Question posée seulement si une question précédente a reçu cette réponse (ex. « avez-vous utilisé le site ? »). */
  showIf: showIfSchema,
};

const noCriterion = z.never({ error: 'Seules les questions « satisfaction » et « Oui / Non » mesurent un critère.' }).optional();

const optionsSchema = z
  .array(optionSchema, { error: 'Options : une question à choix doit proposer au moins deux options.' })
  .min(2, { error: 'Options : une question à choix doit proposer au moins deux options.' })
  .max(30, { error: 'Options : 30 au plus.' });

const questionSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      ...base,
      type: z.literal('satisfaction_4'),
      criterion: criterionSchema.optional(),
    }),
    z.strictObject({ ...base, type: z.literal('yes_no'), criterion: criterionSchema.optional() }),
    z.strictObject({ ...base, type: z.literal('single_choice'), criterion: noCriterion, options: optionsSchema }),
    z.strictObject({ ...base, type: z.literal('multiple_choice'), criterion: noCriterion, options: optionsSchema }),
    z.strictObject({
      ...base,
      type: z.literal('comment'),
      criterion: noCriterion,
      hint: textField('Aide', 500).default(COMMENT_PERSONAL_DATA_HINT),
      maxLength: z
        .int({ error: 'Longueur maximale : nombre entier attendu.' })
        .min(10, { error: 'Longueur maximale : 10 caractères au moins.' })
        .max(COMMENT_MAX_LENGTH_LIMIT, { error: `Longueur maximale : ${COMMENT_MAX_LENGTH_LIMIT} caractères au plus.` })
        .default(COMMENT_DEFAULT_MAX_LENGTH),
    }),
  ],
  { error: 'Type de question inconnu : satisfaction_4, yes_no, single_choice, multiple_choice ou comment.' },
);

const sourceSchema = z.strictObject({
  seed: textField('Source : fichier', 200),
  prefecture: textField('Source : préfecture', 100),
  section: textField('Source : diapositive ou section', 300),
  lines: textField('Source : lignes', 50),
  responses: z.int().nonnegative().optional(),
  note: textField('Source : note', 1000).optional(),
});

/** Schéma structurel d'un questionnaire ; `checkQuestionnaire` y ajoute les contrôles croisés. */
export const questionnaireSchema = z.strictObject({
  key: keyField('Identifiant du modèle'),
  title: textField('Titre', 200),
  surveyedChannel: z.enum(SURVEYED_CHANNELS, {
    error: 'Canal enquêté : accueil physique, point d’accès numérique, accueil téléphonique ou site internet.',
  }),
  introduction: textField('Introduction', 1000).optional(),
  questions: z
    .array(questionSchema, { error: 'Questions : liste attendue.' })
    .min(1, { error: 'Questions : au moins une question.' })
    .max(60, { error: 'Questions : 60 au plus.' }),
  /** Provenance d'un modèle livré (absente d'une copie faite par un administrateur). */
  source: sourceSchema.optional(),
  /** Champs déduits plutôt que lus dans la source (même convention que le référentiel). */
  inferred: z.array(z.string()).optional(),
});

export type Questionnaire = z.infer<typeof questionnaireSchema>;
export type Question = Questionnaire['questions'][number];
export type Criterion = z.infer<typeof criterionSchema>;

/** Vrai pour une question dont les réponses donnent un taux de satisfaction d'un critère. */
export function measuresCriterion(question: Question): question is Question & { criterion: Criterion } {
  return (question.type === 'satisfaction_4' || question.type === 'yes_no') && question.criterion !== undefined;
}

/** Réponses acceptées pour une question (vide pour un commentaire). */
export function answerOptions(question: Question): AnswerOption[] {
  switch (question.type) {
    case 'satisfaction_4':
      return [...SATISFACTION_LEVELS.map(({ key, label }) => ({ key, label })), { ...NO_OPINION }];
    case 'yes_no':
      return YES_NO_OPTIONS.map((o) => ({ ...o }));
    case 'single_choice':
    case 'multiple_choice':
      return question.options.map((o) => ({ ...o }));
    case 'comment':
      return [];
  }
}

function normalizedLabel(label: string): string {
  return label.normalize('NFC').toLocaleLowerCase('fr').replace(/\s+/g, ' ').trim();
}

/**
 * Contrôle complet : structure (schéma) puis cohérence. Rend le questionnaire normalisé et les erreurs par
 * champ (chemin « questions.2.options »…) ; aucune erreur = questionnaire utilisable.
 */
export function questionnaireProblems(
  input: unknown,
  knownEngagements: Iterable<number>,
): { questionnaire: Questionnaire | undefined; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const parsed = questionnaireSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.') || '_';
      errors[key] ??= issue.message;
    }
    return { questionnaire: undefined, errors };
  }
  const questionnaire = parsed.data;
  const known = new Set(knownEngagements);
  const seenKeys = new Map<string, number>();
  const seenCriteria = new Map<string, number>();
  let commentAt: number | undefined;

  questionnaire.questions.forEach((question, index) => {
    const at = `questions.${index}`;
    const number = index + 1;
    const add = (field: string, message: string) => {
      errors[`${at}.${field}`] ??= message;
    };

    const previous = seenKeys.get(question.key);
    if (previous !== undefined) {
      add('key', `Clé « ${question.key} » déjà utilisée par la question ${previous + 1} : chaque question a sa propre clé.`);
    } else {
      seenKeys.set(question.key, index);
    }

    if (question.type === 'single_choice' || question.type === 'multiple_choice') {
      const optionKeys = new Set<string>();
      const optionLabels = new Set<string>();
      question.options.forEach((option, optionIndex) => {
        if (optionKeys.has(option.key)) {
          errors[`${at}.options.${optionIndex}.key`] ??= `Option « ${option.key} » en double dans la question ${number}.`;
        }
        const label = normalizedLabel(option.label);
        if (optionLabels.has(label)) {
          errors[`${at}.options.${optionIndex}.label`] ??= `Option « ${option.label} » en double dans la question ${number}.`;
        }
        optionKeys.add(option.key);
        optionLabels.add(label);
      });
    }

    question.engagements.forEach((engagement, engagementIndex) => {
      if (!known.has(engagement)) {
        errors[`${at}.engagements.${engagementIndex}`] ??=
          `Engagement ${engagement} inconnu du référentiel (question ${number}).`;
      }
    });

    if (question.type === 'satisfaction_4' && question.criterion === undefined) {
      add('criterion', `Question ${number} : indiquez le critère mesuré par cette échelle de satisfaction.`);
    }
    if (measuresCriterion(question)) {
      const other = seenCriteria.get(question.criterion.key);
      if (other !== undefined) {
        add(
          'criterion',
          `Le critère « ${question.criterion.label} » est déjà mesuré par la question ${other + 1} : un critère par question.`,
        );
      } else {
        seenCriteria.set(question.criterion.key, index);
      }
      if (question.engagements.length === 0) {
        add('engagements', `Question ${number} : indiquez l’engagement du référentiel servi par ce critère.`);
      }
    }

    if (question.type === 'comment') {
      if (commentAt !== undefined) {
        add(
          'type',
          `Un seul commentaire libre par questionnaire (déjà la question ${commentAt + 1}) : c’est le seul texte libre, pour ne recueillir aucune donnée personnelle.`,
        );
      } else {
        commentAt = index;
      }
    }

    if (question.showIf) {
      const targetIndex = seenKeys.get(question.showIf.question);
      const target = targetIndex !== undefined && targetIndex < index ? questionnaire.questions[targetIndex] : undefined;
      if (!target) {
        add('showIf.question', `Question ${number} : la condition doit porter sur une question placée avant elle.`);
      } else if (target.type === 'comment' || target.type === 'satisfaction_4') {
        add('showIf.question', `Question ${number} : la condition doit porter sur une question Oui / Non ou à choix.`);
      } else if (!answerOptions(target).some((o) => o.key === question.showIf?.answer)) {
        add(
          'showIf.answer',
          `Question ${number} : « ${question.showIf.answer} » n’est pas une réponse possible de la condition.`,
        );
      }
    }
  });

  if (seenCriteria.size === 0) {
    errors.questions ??=
      'Le questionnaire ne mesure aucun critère : ajoutez au moins une question de satisfaction ou Oui / Non rattachée à un critère.';
  }
  return { questionnaire, errors };
}

/** Valide un questionnaire ; lève `validation_failed` avec un message par champ s'il est refusé. */
export function checkQuestionnaire(input: unknown, knownEngagements: Iterable<number>): Questionnaire {
  const { questionnaire, errors } = questionnaireProblems(input, knownEngagements);
  if (!questionnaire || Object.keys(errors).length > 0) throw new AppError('validation_failed', errors);
  return questionnaire;
}

/** Modèles livrés (`data/questionnaires.json`), chacun contrôlé avec les engagements connus. */
export function readQuestionnaireTemplates(knownEngagements: Iterable<number>): Questionnaire[] {
  const file = JSON.parse(readFileSync(new URL('./data/questionnaires.json', import.meta.url), 'utf8')) as {
    templates: unknown[];
  };
  const known = [...knownEngagements];
  const templates = file.templates.map((template) => checkQuestionnaire(template, known));
  const keys = new Set<string>();
  for (const template of templates) {
    if (keys.has(template.key)) throw new Error(`Modèle de questionnaire « ${template.key} » livré deux fois.`);
    keys.add(template.key);
  }
  return templates;
}
