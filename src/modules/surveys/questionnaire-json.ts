/**
 * Écran « JSON » d'un questionnaire, domaine pur : lire le texte saisi par un administrateur avec des
 * erreurs de syntaxe en français (ligne, colonne), retrouver la ligne d'un chemin (`questions.2.label`)
 * pour y rattacher une erreur de validation, et écrire ce chemin lisiblement.
 *
 * `JSON.parse` reste l'autorité sur la valeur ; le petit analyseur ci-dessous ne sert qu'à situer : les
 * messages de V8 sont en anglais et ne donnent pas toujours la position.
 */
import { AppError } from '../../shared/errors.ts';

/** Au-delà, le texte n'est pas un questionnaire (60 questions de 30 options tiennent dans bien moins). */
export const QUESTIONNAIRE_JSON_MAX_LENGTH = 200_000;

interface Position {
  line: number;
  column: number;
}

class JsonSyntaxError extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

function positionOf(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Analyseur JSON (RFC 8259) qui note, pour chaque chemin, où commence sa valeur ou sa clé. */
class Locator {
  readonly text: string;
  pos = 0;
  readonly offsets = new Map<string, number>();

  constructor(text: string) {
    this.text = text;
  }

  run(): void {
    this.space();
    this.value('');
    this.space();
    if (this.pos < this.text.length) throw new JsonSyntaxError(this.pos, 'texte en trop après la fin du questionnaire.');
  }

  space(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] as string)) this.pos++;
  }

  fail(expected: string): never {
    if (this.pos >= this.text.length) {
      throw new JsonSyntaxError(this.pos, 'fin du texte inattendue : une accolade, un crochet ou un guillemet n’est pas fermé.');
    }
    const found = this.text[this.pos];
    const hint = found === "'" ? ' Les textes et les noms s’écrivent entre guillemets doubles (") et non entre apostrophes.' : '';
    throw new JsonSyntaxError(this.pos, `${expected} (trouvé « ${found} »).${hint}`);
  }

  value(path: string): void {
    this.offsets.set(path, this.pos);
    const c = this.text[this.pos];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else if (this.text.startsWith('true', this.pos)) this.pos += 4;
    else if (this.text.startsWith('false', this.pos)) this.pos += 5;
    else if (this.text.startsWith('null', this.pos)) this.pos += 4;
    else this.fail('valeur attendue : texte entre guillemets, nombre, true, false, null, objet { … } ou liste [ … ]');
  }

  object(path: string): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"')
        this.fail('nom de propriété entre guillemets doubles attendu (une virgule de trop avant « } » ?)');
      const keyStart = this.pos;
      const key = this.string();
      const child = path === '' ? key : `${path}.${key}`;
      this.space();
      if (this.text[this.pos] !== ':') this.fail('« : » attendu après le nom de propriété');
      this.pos++;
      this.space();
      this.value(child);
      // Une erreur sur une propriété se lit mieux sur la ligne de son nom.
      this.offsets.set(child, keyStart);
      this.space();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === '}') {
        this.pos++;
        return;
      }
      this.fail('« , » ou « } » attendu après la valeur (virgule oubliée ?)');
    }
  }

  array(path: string): void {
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.space();
      if (this.text[this.pos] === ']') this.fail('valeur attendue (une virgule de trop avant « ] » ?)');
      this.value(path === '' ? String(index) : `${path}.${index}`);
      this.space();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === ']') {
        this.pos++;
        return;
      }
      this.fail('« , » ou « ] » attendu après l’élément de la liste (virgule oubliée ?)');
    }
  }

  string(): string {
    const start = ++this.pos;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) throw new JsonSyntaxError(start - 1, 'texte jamais fermé : guillemet double (") manquant.');
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c < ' ') throw new JsonSyntaxError(this.pos, 'retour à la ligne ou tabulation dans un texte : écrivez \\n ou \\t.');
      if (c === '\\') {
        const e = this.text[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
            throw new JsonSyntaxError(this.pos, 'séquence \\u invalide : quatre chiffres hexadécimaux attendus.');
          }
          out += String.fromCharCode(Number.parseInt(this.text.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
          continue;
        }
        const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === undefined || escapes[e] === undefined) {
          throw new JsonSyntaxError(this.pos, 'barre oblique inverse (\\) invalide dans un texte : écrivez \\\\ pour la garder.');
        }
        out += escapes[e];
        this.pos += 2;
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match) this.fail('nombre mal écrit');
    this.pos += match[0].length;
  }
}

/**
 * Lit le JSON d'un questionnaire. Texte vide, trop long ou illisible : `validation_failed` sur le champ
 * `definition`, avec la ligne et la colonne de l'erreur.
 */
export function parseQuestionnaireJson(text: string): unknown {
  if (text.trim() === '') {
    throw new AppError('validation_failed', {
      definition: 'Définition JSON : collez le questionnaire complet (un objet { … } avec son titre et ses questions).',
    });
  }
  if (text.length > QUESTIONNAIRE_JSON_MAX_LENGTH) {
    throw new AppError('validation_failed', {
      definition: `Définition JSON : ${QUESTIONNAIRE_JSON_MAX_LENGTH.toLocaleString('fr-FR')} caractères au plus (vous en avez ${text.length.toLocaleString('fr-FR')}).`,
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    try {
      new Locator(text).run();
    } catch (error) {
      if (error instanceof JsonSyntaxError) {
        const { line, column } = positionOf(text, error.offset);
        throw new AppError('validation_failed', {
          definition: `JSON illisible, ligne ${line}, colonne ${column} : ${error.message}`,
        });
      }
      throw error;
    }
    throw new AppError('validation_failed', { definition: 'JSON illisible : vérifiez les guillemets, virgules et accolades.' });
  }
}

/**
 * Pour un texte, la ligne où se trouve le chemin d'une erreur (`questions.2.options`), ou à défaut celle de
 * son plus proche parent présent (une propriété manquante se signale sur son objet). Le texte n'est analysé
 * qu'une fois pour toutes les erreurs ; illisible, aucune ligne.
 */
export function pathLines(text: string): (path: string) => number | undefined {
  const locator = new Locator(text);
  try {
    locator.run();
  } catch {
    return () => undefined;
  }
  return (path) => {
    const parts = path === '_' || path === '' ? [] : path.split('.');
    for (let n = parts.length; n >= 0; n--) {
      const offset = locator.offsets.get(parts.slice(0, n).join('.'));
      if (offset !== undefined) return positionOf(text, offset).line;
    }
    return undefined;
  };
}

/**
 * Chemin d'une erreur écrit comme en JavaScript, avec son sens : `questions.2.options.0.key` →
 * « questions[2].options[0].key (question 3, option 1) ».
 */
export function describeJsonPath(path: string): string {
  if (path === '_' || path === '') return 'questionnaire';
  const parts = path.split('.');
  const written = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : `${i > 0 ? '.' : ''}${p}`)).join('');
  const meaning: string[] = [];
  parts.forEach((part, i) => {
    const index = /^\d+$/.test(part) ? Number(part) + 1 : undefined;
    if (index === undefined) return;
    const parent = parts[i - 1];
    if (parent === 'questions') meaning.push(`question ${index}`);
    else if (parent === 'options') meaning.push(`option ${index}`);
    else if (parent === 'engagements') meaning.push(`engagement ${index}`);
    else meaning.push(`élément ${index}`);
  });
  return meaning.length > 0 ? `${written} (${meaning.join(', ')})` : written;
}

/**
 * Exemple complet montré sous la zone de saisie et dans docs/formats/questionnaire.md (les tests vérifient
 * que les deux sont identiques et que l'exemple est accepté).
 */
export const QUESTIONNAIRE_JSON_EXAMPLE = `{
  "key": "accueil_guichet",
  "title": "Votre avis sur l’accueil au guichet",
  "surveyedChannel": "physical_reception",
  "introduction": "Répondre prend deux minutes. Vos réponses sont anonymes.",
  "questions": [
    {
      "key": "visit_reason",
      "type": "single_choice",
      "label": "Pour quelle démarche êtes-vous venu ?",
      "options": [
        { "key": "residence_permit", "label": "Titre de séjour" },
        { "key": "driving_licence", "label": "Permis de conduire" },
        { "key": "other", "label": "Autre démarche" }
      ]
    },
    {
      "key": "courtesy",
      "type": "satisfaction_4",
      "label": "Accueil et courtoisie des agents",
      "required": true,
      "engagements": [2],
      "criterion": { "key": "courtesy", "label": "Accueil et courtoisie" }
    },
    {
      "key": "website_used",
      "type": "yes_no",
      "label": "Avez-vous consulté le site internet avant de venir ?"
    },
    {
      "key": "website_access",
      "type": "satisfaction_4",
      "label": "Avez-vous trouvé facilement l’information sur le site ?",
      "required": true,
      "engagements": [11],
      "criterion": { "key": "website_access", "label": "Facilité d’accès au site internet" },
      "showIf": { "question": "website_used", "answer": "yes" }
    },
    {
      "key": "comment",
      "type": "comment",
      "label": "Votre commentaire",
      "maxLength": 1000
    }
  ]
}`;
