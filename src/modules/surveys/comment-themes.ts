/**
 * Suggestions automatiques de thèmes pour les commentaires libres, par mots-clés.
 *
 * La taxonomie est une donnée (chaque thème et ses mots-clés) passée à la fonction : l'organisation
 * pourra la modifier ; ce module ne fournit que les mots-clés de départ des thèmes par défaut.
 *
 * Règles de correspondance :
 * - insensible à la casse, aux accents et aux ligatures (« Température » = « temperature », « œ » = « oe ») ;
 * - mots entiers : un mot-clé est découpé en mots comme le commentaire (espaces, apostrophes, tirets,
 *   ponctuation), et ses mots doivent se suivre dans le commentaire (« rendez-vous » = « rendez vous ») ;
 * - un mot terminé par `*` vaut pour tous les mots qui commencent ainsi (« agent* » : agent, agents) ;
 * - un commentaire peut recevoir plusieurs thèmes ; ce ne sont que des suggestions, l'agent décide.
 */

export interface ThemeKeywords<ThemeKey extends string = string> {
  /** Ce qui identifie le thème pour l'appelant : son libellé ou son identifiant. */
  theme: ThemeKey;
  keywords: readonly string[];
}

export interface ThemeSuggestion<ThemeKey extends string = string> {
  theme: ThemeKey;
  /** Les mots-clés trouvés, tels qu'écrits dans la taxonomie. */
  matchedKeywords: string[];
}

/** Longueur minimale de la racine d'un mot-clé en `*` : « a* » accrocherait presque tout. */
export const MIN_PREFIX_LENGTH = 3;

/** Minuscules, sans accents ni ligatures. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/** Les mots d'un texte normalisé : lettres et chiffres d'un seul tenant. */
export function words(text: string): string[] {
  return normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

interface Token {
  text: string;
  prefix: boolean;
}

function keywordTokens(keyword: string): Token[] {
  return (normalizeText(keyword).match(/[\p{L}\p{N}]+\*?/gu) ?? []).map((token) =>
    token.endsWith('*') ? { text: token.slice(0, -1), prefix: true } : { text: token, prefix: false },
  );
}

/**
 * Ce qui ne va pas dans un mot-clé saisi (pour le formulaire de la taxonomie), ou `null` s'il est utilisable.
 */
export function keywordProblem(keyword: string): string | null {
  const tokens = keywordTokens(keyword);
  if (tokens.length === 0) return 'Mot-clé vide : saisissez au moins un mot.';
  if (/\*(?![\s'’-]|$)/u.test(keyword.trim())) return 'L’astérisque se place à la fin d’un mot (« agent* » pour agent, agents…).';
  const short = tokens.find((token) => token.prefix && token.text.length < MIN_PREFIX_LENGTH);
  if (short)
    return `« ${short.text}* » est trop court : une racine suivie de * doit compter au moins ${MIN_PREFIX_LENGTH} lettres.`;
  return null;
}

interface CompiledKeyword {
  source: string;
  tokens: Token[];
}

function matchesAt(commentWords: readonly string[], start: number, tokens: readonly Token[]): boolean {
  for (let j = 0; j < tokens.length; j++) {
    const word = commentWords[start + j];
    const token = tokens[j] as Token;
    if (word === undefined) return false;
    if (token.prefix ? !word.startsWith(token.text) : word !== token.text) return false;
  }
  return true;
}

function contains(commentWords: readonly string[], tokens: readonly Token[]): boolean {
  for (let i = 0; i + tokens.length <= commentWords.length; i++) {
    if (matchesAt(commentWords, i, tokens)) return true;
  }
  return false;
}

/**
 * Prépare une taxonomie une fois pour en suggérer les thèmes à de nombreux commentaires.
 * Les mots-clés inutilisables (`keywordProblem`) sont ignorés plutôt que de tout accrocher.
 */
export function createThemeSuggester<ThemeKey extends string>(
  taxonomy: readonly ThemeKeywords<ThemeKey>[],
): (comment: string) => ThemeSuggestion<ThemeKey>[] {
  const compiled = taxonomy.map((entry) => ({
    theme: entry.theme,
    keywords: entry.keywords
      .filter((keyword) => keywordProblem(keyword) === null)
      .map((keyword): CompiledKeyword => ({ source: keyword, tokens: keywordTokens(keyword) })),
  }));
  return (comment) => {
    const commentWords = words(comment);
    const suggestions: ThemeSuggestion<ThemeKey>[] = [];
    for (const entry of compiled) {
      const matchedKeywords = entry.keywords
        .filter((keyword) => contains(commentWords, keyword.tokens))
        .map((keyword) => keyword.source);
      if (matchedKeywords.length > 0) suggestions.push({ theme: entry.theme, matchedKeywords });
    }
    return suggestions;
  };
}

/** Thèmes suggérés pour un commentaire, dans l'ordre de la taxonomie. */
export function suggestThemes<ThemeKey extends string>(
  comment: string,
  taxonomy: readonly ThemeKeywords<ThemeKey>[],
): ThemeSuggestion<ThemeKey>[] {
  return createThemeSuggester(taxonomy)(comment);
}

/**
 * Mots-clés de départ des thèmes par défaut (libellés identiques à `DEFAULT_THEMES` des dossiers),
 * tirés des commentaires et réclamations des comités locaux des usagers.
 */
export const DEFAULT_THEME_KEYWORDS: readonly ThemeKeywords[] = [
  {
    theme: 'Délais de rendez-vous (étrangers)',
    keywords: [
      'rendez-vous',
      'rdv',
      'créneau*',
      'titre* de séjour',
      'récépissé*',
      'carte* de séjour',
      'naturalisation',
      'convocation*',
      'délai* d’obtention',
    ],
  },
  {
    theme: 'Température de l’accueil',
    keywords: [
      'température*',
      'froid',
      'froide',
      'froids',
      'glacial*',
      'gelé',
      'on gèle',
      'chaud',
      'chaude',
      'chaleur',
      'canicule',
      'chauffage',
      'chauffé*',
      'climatisation',
      'clim',
    ],
  },
  {
    theme: 'Manque d’agents',
    keywords: [
      'manque d’agent*',
      'manque de personnel',
      'manque d’effectif*',
      'pas assez d’agent*',
      'pas assez de personnel',
      'sous-effectif*',
      'un seul agent',
      'une seule personne',
      'un seul guichet',
      'guichets fermés',
      'plus de personnel',
      'plus d’agents',
      'recrut*',
    ],
  },
  {
    theme: 'Signalétique',
    keywords: [
      'signalétique',
      'signalisation',
      'panneau*',
      'fléchage',
      'flèche*',
      'mal indiqué*',
      'pas indiqué*',
      'pas bien identifié*',
      'mal identifié*',
      'se repérer',
      'on se perd',
      'on s’y perd',
      'me suis perdu*',
      'plan des locaux',
    ],
  },
  {
    theme: 'Site internet',
    keywords: [
      'site internet',
      'site web',
      'site de la préfecture',
      'sur internet',
      'page internet',
      'page web',
      'faq',
      'internet',
    ],
  },
  {
    theme: 'Accueil téléphonique',
    keywords: [
      'téléphone',
      'téléphoner',
      'téléphonique*',
      'appel*',
      'le standard',
      'au standard',
      'du standard',
      'injoignable*',
      'joignable*',
      'vous joindre',
      'les joindre',
      'impossible de joindre',
      'répondeur',
      'décroche*',
      'ça sonne',
    ],
  },
  {
    theme: 'Attente au guichet',
    keywords: [
      'attente',
      'attendre',
      'attendu*',
      'file d’attente',
      'queue',
      'guichet*',
      'patienter',
      'longtemps',
      'ticket*',
      'trop long',
      'très long',
    ],
  },
  {
    theme: 'Courtoisie des agents',
    keywords: [
      'courtois*',
      'aimable*',
      'désagréable*',
      'peu agréable*',
      'sympa',
      'sympathique*',
      'souriant*',
      'sourire*',
      'poli',
      'polie',
      'polis',
      'polies',
      'politesse',
      'impoli*',
      'gentil*',
      'adorable*',
      'bienveillan*',
      'à l’écoute',
      'bonne écoute',
      'manque d’écoute',
      'pas d’écoute',
      'respect',
      'irrespect*',
      'méprisant*',
      'mépris',
      'hautain*',
      'condescendan*',
      'arrogan*',
      'agressi*',
      'grossier*',
      'accueillant*',
    ],
  },
  {
    theme: 'Démarches en ligne (ANTS)',
    keywords: [
      'ants',
      'anef',
      'démarche* en ligne',
      'en ligne',
      'téléprocédure*',
      'dématérialis*',
      'carte grise',
      'certificat d’immatriculation',
      'permis de conduire',
      'passeport*',
      'carte d’identité',
      'cni',
      'franceconnect',
      'france connect',
      'démarches simplifiées',
      'plateforme*',
    ],
  },
  {
    theme: 'Confort et propreté des locaux',
    keywords: [
      'confort*',
      'inconfort*',
      'propre*',
      'propreté',
      'sale',
      'sales',
      'saleté*',
      'toilette*',
      'wc',
      'sanitaire*',
      'chaise*',
      'siège*',
      'assis',
      'debout',
      'banc',
      'bancs',
      'odeur*',
      'poubelle*',
      'bruit*',
      'bruyant*',
      'salle d’attente',
      'fontaine*',
      'exigu*',
    ],
  },
];
