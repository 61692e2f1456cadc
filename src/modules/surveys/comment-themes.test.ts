import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_THEMES } from '../cases/vocabulary.ts';
import {
  createThemeSuggester,
  DEFAULT_THEME_KEYWORDS,
  keywordProblem,
  normalizeText,
  suggestThemes,
  type ThemeKeywords,
  words,
} from './comment-themes.ts';

const suggest = createThemeSuggester(DEFAULT_THEME_KEYWORDS);

function themesOf(comment: string): string[] {
  return suggest(comment).map((suggestion) => suggestion.theme);
}

describe('Thèmes de départ', () => {
  it('couvrent exactement les thèmes par défaut des dossiers, dans le même ordre', () => {
    assert.deepEqual(
      DEFAULT_THEME_KEYWORDS.map((entry) => entry.theme),
      DEFAULT_THEMES,
    );
  });

  it('n’ont que des mots-clés utilisables, sans doublon dans un thème', () => {
    for (const entry of DEFAULT_THEME_KEYWORDS) {
      assert.ok(entry.keywords.length > 0, entry.theme);
      for (const keyword of entry.keywords) assert.equal(keywordProblem(keyword), null, `${entry.theme} : ${keyword}`);
      const normalized = entry.keywords.map(normalizeText);
      assert.equal(new Set(normalized).size, normalized.length, `doublon dans ${entry.theme}`);
    }
  });
});

describe('Suggestions sur des commentaires réels (comités locaux des usagers)', () => {
  const expectations: [string, string[]][] = [
    ['Délais pour obtenir un RDV pour les étrangers', ['Délais de rendez-vous (étrangers)']],
    ['manque d’agents à l’accueil', ['Manque d’agents']],
    ['En hivers plainte sur la température dans l’accueil', ['Température de l’accueil']],
    ['Signalétique contradictoire et obsolète', ['Signalétique']],
    ['Localisation / place d’attente n’est pas bien identifiées', ['Signalétique', 'Attente au guichet']],
    ['Manque de sourire', ['Courtoisie des agents']],
    [
      'Lorsque je viens à la préfecture, j’ai l’impression de n’être qu’un dossier de plus à traiter. Le personnel est peu agréable en général',
      ['Courtoisie des agents'],
    ],
    ['super accueil, des gens souriants, ça fait plaisir', ['Courtoisie des agents']],
    [
      'Un petit point à signaler concernant les délais de rendez-vous. J’ai pris un rendez-vous le 18 avril et j’ai eu une annulation.',
      ['Délais de rendez-vous (étrangers)'],
    ],
    ['Impossible de vous joindre par téléphone, le répondeur raccroche', ['Accueil téléphonique']],
    ['Je n’ai pas réussi à faire ma carte grise sur le site de l’ANTS', ['Démarches en ligne (ANTS)']],
    ['Les toilettes étaient sales et pas assez de chaises, on reste debout', ['Confort et propreté des locaux']],
    ['Trois heures d’attente au guichet, un seul agent pour tout le monde', ['Manque d’agents', 'Attente au guichet']],
    ['Le site internet est à jour, la FAQ m’a aidé', ['Site internet']],
  ];
  for (const [comment, expected] of expectations) {
    it(`« ${comment.slice(0, 60)} » → ${expected.join(', ')}`, () => {
      assert.deepEqual(themesOf(comment), expected);
    });
  }

  it('ne suggère rien pour un commentaire sans mot-clé', () => {
    assert.deepEqual(themesOf('Parfait, rien à dire.'), []);
    assert.deepEqual(themesOf('En avance'), []);
    assert.deepEqual(themesOf(''), []);
  });

  it('dit quels mots-clés ont déclenché chaque suggestion', () => {
    assert.deepEqual(suggest('Il fait froid et la salle d’attente est sale'), [
      { theme: 'Température de l’accueil', matchedKeywords: ['froid'] },
      { theme: 'Attente au guichet', matchedKeywords: ['attente'] },
      { theme: 'Confort et propreté des locaux', matchedKeywords: ['sale', 'salle d’attente'] },
    ]);
  });
});

describe('Règles de correspondance', () => {
  const taxonomy: ThemeKeywords<'temperature' | 'staff' | 'appointments'>[] = [
    { theme: 'temperature', keywords: ['température', 'froid'] },
    { theme: 'staff', keywords: ['agent*', 'manque de personnel'] },
    { theme: 'appointments', keywords: ['rendez-vous'] },
  ];

  it('ignore accents, casse, ligatures et apostrophes typographiques', () => {
    assert.deepEqual(
      suggestThemes('TEMPERATURE glaciale', taxonomy).map((s) => s.theme),
      ['temperature'],
    );
    assert.deepEqual(
      suggestThemes('Température', taxonomy).map((s) => s.theme),
      ['temperature'],
    );
    assert.deepEqual(
      suggestThemes('MANQUE DE PERSONNEL', taxonomy).map((s) => s.theme),
      ['staff'],
    );
    assert.equal(normalizeText('Œuvre Ærée Été'), 'oeuvre aeree ete');
    assert.deepEqual(words("l’accueil d'aujourd’hui"), ['l', 'accueil', 'd', 'aujourd', 'hui']);
  });

  it('mots entiers seulement : « froid » ne prend pas « froideur », « agent* » prend « agents »', () => {
    assert.deepEqual(suggestThemes('Une certaine froideur', taxonomy), []);
    assert.deepEqual(suggestThemes('refroidi', taxonomy), []);
    assert.deepEqual(suggestThemes('Trop peu d’agents', taxonomy), [{ theme: 'staff', matchedKeywords: ['agent*'] }]);
    assert.deepEqual(suggestThemes('une réagente', taxonomy), []);
  });

  it('une expression se lit mot à mot, quelle que soit la ponctuation entre ses mots', () => {
    for (const comment of ['rendez-vous', 'Rendez vous', 'RENDEZ–VOUS', 'rendez.vous']) {
      assert.deepEqual(
        suggestThemes(comment, taxonomy).map((s) => s.theme),
        ['appointments'],
        comment,
      );
    }
    assert.deepEqual(suggestThemes('rendez-nous vous', taxonomy), []);
    assert.deepEqual(suggestThemes('manque cruel de personnel', taxonomy), []);
  });

  it('plusieurs thèmes possibles, dans l’ordre de la taxonomie', () => {
    assert.deepEqual(
      suggestThemes('Rendez-vous annulé, froid, pas d’agent', taxonomy).map((s) => s.theme),
      ['temperature', 'staff', 'appointments'],
    );
  });

  it('une taxonomie modifiée s’applique telle quelle ; les mots-clés inutilisables sont écartés', () => {
    const custom: ThemeKeywords[] = [{ theme: 'Parking', keywords: ['stationnement', 'parking*', 'a*', '*', ''] }];
    assert.deepEqual(suggestThemes('Pas de parkings ni de stationnement', custom), [
      { theme: 'Parking', matchedKeywords: ['stationnement', 'parking*'] },
    ]);
    assert.deepEqual(suggestThemes('accueil agréable', custom), [], '« a* » ne doit pas tout accrocher');
    assert.deepEqual(suggestThemes('froid', []), []);
  });

  it('explique en français ce qui ne va pas dans un mot-clé', () => {
    assert.equal(keywordProblem('agent*'), null);
    assert.equal(keywordProblem('manque d’agent* à l’accueil'), null);
    assert.match(keywordProblem('   ') ?? '', /vide/);
    assert.match(keywordProblem('*') ?? '', /vide/);
    assert.match(keywordProblem('ag*') ?? '', /trop court/);
    assert.match(keywordProblem('*agent') ?? '', /fin d’un mot/);
    assert.match(keywordProblem('ag*ent') ?? '', /fin d’un mot/);
  });
});
