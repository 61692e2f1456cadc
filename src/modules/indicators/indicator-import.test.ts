import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImportSource } from './indicator-catalogue.ts';
import {
  type ImportContext,
  mappingProblems,
  normaliseHeader,
  parsePeriod,
  parseTable,
  planImport,
  type RawTable,
  suggestMapping,
} from './indicator-import.ts';

const ALL_KEYS = new Set([
  'TEL_ABOUTIS',
  'WEB_CONNEXION',
  'RS_ENGAGEMENT',
  'RS_VUES_JOUR',
  'RS_CONNEXIONS_MOIS',
  'CIV_TELEPROC_DELAI',
  'CIV_FRAUDE',
  'PC_DELAI_MEDIAN',
  'PC_FRAUDE',
  'TP_CNI_PASS',
  'TP_CIV',
  'TP_PC',
]);
const CONTEXT: ImportContext = { year: 2026, population: 664453, indicatorKeys: ALL_KEYS };

function table(text: string): RawTable {
  const parsed = parseTable(text);
  if ('error' in parsed) throw new Error(parsed.error.message);
  return parsed.table;
}

/** Le plan d'un CSV avec la correspondance proposée par les intitulés. */
function plan(source: ImportSource, text: string, context: Partial<ImportContext> = {}) {
  const t = table(text);
  return planImport(source, t, suggestMapping(source, t.headers), { ...CONTEXT, ...context });
}

function errorsOf(source: ImportSource, text: string, context: Partial<ImportContext> = {}): string[] {
  return plan(source, text, context).errors.map((e) => `ligne ${e.line} : ${e.message}`);
}

describe('import des indicateurs : lecture du tableau', () => {
  it('accepte le point-virgule, la virgule, le BOM ; numérote les lignes du fichier, lignes vides comprises', () => {
    const semi = table('\uFEFFdate;appels_recus;appels_aboutis\r\n\r\n2026-01;100;90\r\n');
    assert.deepEqual(semi.headers, ['date', 'appels_recus', 'appels_aboutis']);
    assert.deepEqual(semi.rows, [{ line: 3, cells: ['2026-01', '100', '90'] }]);
    const comma = table('mois,visites\n2026-01,"53 156"\n');
    assert.deepEqual(comma.rows[0]?.cells, ['2026-01', '53 156']);
  });

  it('un CSV mal formé est refusé avec sa ligne', () => {
    const parsed = parseTable('mois;visites\n2026-01;"12\n');
    assert.ok('error' in parsed);
    assert.match(parsed.error.message, /fichier CSV illisible/);
  });

  it('jours et mois : AAAA-MM-JJ, JJ/MM/AAAA, AAAA-MM, MM/AAAA ; dates impossibles refusées', () => {
    assert.deepEqual(parsePeriod('2026-03-04'), { month: '2026-03', day: '2026-03-04' });
    assert.deepEqual(parsePeriod('04/03/2026'), { month: '2026-03', day: '2026-03-04' });
    assert.deepEqual(parsePeriod('2026-03'), { month: '2026-03', day: null });
    assert.deepEqual(parsePeriod('3/2026'), { month: '2026-03', day: null });
    assert.equal(parsePeriod('2026-02-30'), null);
    assert.equal(parsePeriod('2026-13'), null);
    assert.equal(parsePeriod('mars 2026'), null);
  });
});

describe('import des indicateurs : correspondance des colonnes', () => {
  it('propose par nom exact, normalisé (accents, majuscules) ou synonyme', () => {
    assert.equal(normaliseHeader(' Appels reçus '), 'appels_recus');
    const mapping = suggestMapping('telephony', ['Jour', 'Appels reçus', 'Appels décrochés', 'Commentaire']);
    assert.deepEqual(mapping, {
      date: 'Jour',
      appels_recus: 'Appels reçus',
      appels_aboutis: 'Appels décrochés',
      service: '',
      note: 'Commentaire',
    });
  });

  it('la correspondance retenue l’emporte quand sa colonne existe encore dans le fichier', () => {
    const headers = ['Période', 'Total', 'Répondus', 'appels_recus'];
    const mapping = suggestMapping('telephony', headers, { date: 'Période', appels_recus: 'Total', appels_aboutis: 'Répondus' });
    assert.equal(mapping.appels_recus, 'Total');
    assert.equal(mapping.appels_aboutis, 'Répondus');
    const stale = suggestMapping('telephony', ['date', 'appels_recus', 'appels_aboutis'], { appels_recus: 'Total' });
    assert.equal(stale.appels_recus, 'appels_recus');
  });

  it('signale une colonne obligatoire non associée, inconnue ou associée deux fois', () => {
    const problems = mappingProblems('telephony', ['date', 'recus'], {
      date: 'date',
      appels_recus: 'recus',
      appels_aboutis: 'recus',
    });
    assert.match(problems.appels_aboutis ?? '', /déjà associée à appels_recus/);
    assert.match(mappingProblems('web_analytics', ['mois'], { mois: 'mois', visites: '' }).visites ?? '', /colonne obligatoire/);
    assert.match(mappingProblems('web_analytics', ['mois'], { mois: 'mois', visites: 'Visites' }).visites ?? '', /n’existe pas/);
  });

  it('un fichier d’une autre source est refusé en nommant les colonnes manquantes', () => {
    const errors = errorsOf('telephony', 'mois;visites\n2026-01;53156\n');
    assert.deepEqual(errors, [
      'ligne 1 : En-tête : colonnes obligatoires manquantes : appels_recus, appels_aboutis — ce fichier n’est pas au format « Téléphonie » (attendu : date, appels_recus, appels_aboutis)',
    ]);
  });

  it('un fichier vide est refusé', () => {
    assert.match(errorsOf('web_analytics', '')[0] ?? '', /ligne 1 : fichier vide/);
    assert.match(errorsOf('web_analytics', 'mois;visites\n\n')[0] ?? '', /ligne 2 : fichier vide : aucune ligne de données/);
  });
});

describe('import des indicateurs : téléphonie', () => {
  it('additionne les jours par mois : numérateur = aboutis, dénominateur = reçus', () => {
    const { plan: p, errors } = plan(
      'telephony',
      'date;appels_recus;appels_aboutis;service;note\n2026-03-02;500;450;Standard;\n2026-03-02;100;80;Cartes grises;\n2026-03-03;400;370;Standard;problème Memobox\n2026-04;1000;900;;\n2026-05;0;0;;\n',
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(
      p.values.map((v) => [v.month, v.status, v.value, v.numerator, v.denominator, v.note]),
      [
        ['2026-03', 'measured', 90, 900, 1000, 'problème Memobox'],
        ['2026-04', 'measured', 90, 900, 1000, null],
        ['2026-05', 'not_applicable', null, 0, 0, 'aucun appel reçu'],
      ],
    );
  });

  it('refuse aboutis > reçus, négatifs, décimaux, doublons, jours et mois mêlés, mois hors de l’année', () => {
    const errors = errorsOf(
      'telephony',
      [
        'date;appels_recus;appels_aboutis',
        '2026-03-02;100;120',
        '2026-03-03;-5;0',
        '2026-03-04;12,5;10',
        '2026-03-05;10;9',
        '2026-03-05;11;9',
        '2026-03;100;90',
        '2025-12-31;10;9',
        '2026-02-30;10;9',
        '2026-03-06;;9',
      ].join('\n'),
    );
    assert.deepEqual(errors, [
      'ligne 2 : appels_aboutis (120) supérieur à appels_recus (100)',
      'ligne 3 : appels_recus négatif (-5)',
      'ligne 4 : appels_recus « 12,5 » : un nombre entier est attendu',
      'ligne 6 : le jour 2026-03-05 déjà présent ligne 5',
      'ligne 7 : le mois 2026-03 a déjà une ligne par jour (ligne 5) : une ligne par mois ou une ligne par jour, pas les deux',
      'ligne 8 : mois 2025-12 hors de l’année 2026 choisie pour l’import',
      'ligne 9 : date « 2026-02-30 » : un jour (AAAA-MM-JJ) ou un mois (AAAA-MM) est attendu',
      'ligne 10 : appels_recus vide',
    ]);
  });
});

describe('import des indicateurs : statistiques du site', () => {
  it('IM106 = visites / population × 100 ; visites négatives refusées', () => {
    const { plan: p } = plan('web_analytics', 'mois,visites\n2026-01,53156\n2026-02,46512\n2026-03,66445\n');
    assert.deepEqual(
      p.values.map((v) => [v.month, v.value, v.numerator, v.denominator]),
      [
        ['2026-01', 8, 53156, 664453],
        ['2026-02', 7, 46512, 664453],
        ['2026-03', 10, 66445, 664453],
      ],
    );
    assert.deepEqual(errorsOf('web_analytics', 'mois,visites\n2026-01,-4\n2026-01,5\n01/2026,6\n2026-01-15,7\n'), [
      'ligne 2 : visites négatif (-4)',
      'ligne 3 : le mois 2026-01 déjà présent ligne 2',
      'ligne 4 : le mois 2026-01 déjà présent ligne 2',
      'ligne 5 : mois « 2026-01-15 » : un mois est attendu (AAAA-MM, exemple : 2026-03)',
    ]);
  });
});

describe('import des indicateurs : réseaux sociaux', () => {
  it('une valeur par réseau : engagement, vues par jour, connexions quand la colonne existe', () => {
    const { plan: p, errors } = plan(
      'social',
      'mois;reseau;engagements;impressions;vues;connexions\n2026-02;  X/Twitter ;7090;141800;78400;\n2026-02;Facebook;38650;773000;644000;9150\n2026-03;Instagram;0;0;0;12\n',
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(
      p.values.map((v) => [v.indicatorKey, v.month, v.breakdown, v.status, v.value, v.numerator, v.denominator]),
      [
        ['RS_ENGAGEMENT', '2026-02', 'Facebook', 'measured', 5, 38650, 773000],
        ['RS_ENGAGEMENT', '2026-02', 'X/Twitter', 'measured', 5, 7090, 141800],
        ['RS_ENGAGEMENT', '2026-03', 'Instagram', 'not_applicable', null, 0, 0],
        ['RS_VUES_JOUR', '2026-02', 'Facebook', 'measured', 23000, 644000, 28],
        ['RS_VUES_JOUR', '2026-02', 'X/Twitter', 'measured', 2800, 78400, 28],
        ['RS_VUES_JOUR', '2026-03', 'Instagram', 'measured', 0, 0, 31],
        ['RS_CONNEXIONS_MOIS', '2026-02', 'Facebook', 'measured', 9150, null, null],
        ['RS_CONNEXIONS_MOIS', '2026-03', 'Instagram', 'measured', 12, null, null],
      ],
    );
    const withoutConnections = plan('social', 'mois;reseau;engagements;impressions;vues\n2026-02;Facebook;1;10;10\n');
    assert.ok(withoutConnections.plan.values.every((v) => v.indicatorKey !== 'RS_CONNEXIONS_MOIS'));
  });

  it('refuse les doublons de réseau (sans tenir compte des majuscules) et engagements > impressions', () => {
    assert.deepEqual(
      errorsOf(
        'social',
        'mois;reseau;engagements;impressions;vues\n2026-02;Facebook;1;10;10\n2026-02;facebook;1;10;10\n2026-02;X;11;10;10\n2026-02;;1;10;10\n',
      ),
      [
        'ligne 3 : le réseau « facebook » pour 2026-02 déjà présent ligne 2',
        'ligne 4 : engagements (11) supérieurs aux impressions (10)',
        'ligne 5 : reseau vide',
      ],
    );
  });
});

describe('import des indicateurs : ANTS et CERT', () => {
  const HEADER =
    'mois;titre;dossiers_traites;dossiers_frauduleux;delai_moyen_cert_jours;delai_median_jours;delai_moyen_delivrance_jours';

  it('CIV, PC, CNI-passeports : délais pondérés par les dossiers, fraude en ‰, médiane telle quelle', () => {
    const { plan: p, errors } = plan(
      'ants',
      `${HEADER}\n2026-01;CIV;6329;15;4;;4,8\n2026-01;pc;3050;13;;9;27.5\n2026-01;CNI-PASSEPORT;9870;;;;17,2\n2026-02;CIV;0;0;4;;\n`,
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(
      p.values.map((v) => [v.indicatorKey, v.month, v.status, v.value, v.numerator, v.denominator]),
      [
        ['CIV_TELEPROC_DELAI', '2026-01', 'measured', 4, 25316, 6329],
        ['CIV_TELEPROC_DELAI', '2026-02', 'not_applicable', null, 0, 0],
        ['CIV_FRAUDE', '2026-01', 'measured', 2.37, 15, 6329],
        ['CIV_FRAUDE', '2026-02', 'not_applicable', null, 0, 0],
        ['PC_DELAI_MEDIAN', '2026-01', 'measured', 9, null, null],
        ['PC_FRAUDE', '2026-01', 'measured', 4.26, 13, 3050],
        ['TP_CNI_PASS', '2026-01', 'measured', 17.2, 169764, 9870],
        ['TP_CIV', '2026-01', 'measured', 4.8, 30379.2, 6329],
        ['TP_PC', '2026-01', 'measured', 27.5, 83875, 3050],
      ],
    );
  });

  it('une colonne sans indicateur pour le titre est ignorée et signalée', () => {
    const { plan: p, errors } = plan('ants', `${HEADER}\n2026-01;CNI_PASSEPORT;100;2;;;18\n`);
    assert.deepEqual(errors, []);
    assert.deepEqual(p.warnings, [
      { line: 2, message: 'dossiers_frauduleux ignoré pour CNI_PASSEPORT (sans indicateur pour ce titre)' },
    ]);
  });

  it('refuse titre inconnu, fraude > dossiers, délai négatif, doublon', () => {
    assert.deepEqual(
      errorsOf('ants', `${HEADER}\n2026-01;CNI;1;;;;\n2026-01;CIV;100;120;;;\n2026-01;PC;300;;;-2;\n2026-01;PC;300;;;;\n`),
      [
        'ligne 2 : titre « CNI » inconnu (attendu : CIV, PC ou CNI_PASSEPORT)',
        'ligne 3 : dossiers_frauduleux (120) supérieur à dossiers_traites (100)',
        'ligne 4 : delai_median_jours négatif (-2)',
        'ligne 5 : le titre PC pour 2026-01 déjà présent ligne 4',
      ],
    );
  });

  it('hors du périmètre (sans CERT) : les indicateurs du module 2 sont ignorés, comptés', () => {
    const { plan: p } = plan('ants', `${HEADER}\n2026-01;CIV;6329;15;4;;4,8\n`, { indicatorKeys: new Set(['TEL_ABOUTIS']) });
    assert.deepEqual(p.values, []);
    assert.deepEqual(p.ignored, [
      { indicatorKey: 'CIV_TELEPROC_DELAI', module: 2, values: 1 },
      { indicatorKey: 'CIV_FRAUDE', module: 2, values: 1 },
      { indicatorKey: 'TP_CIV', module: 2, values: 1 },
    ]);
  });
});

describe('import des indicateurs : indicateurs locaux', () => {
  const LOCALS = [
    { key: 'LOC_USAGERS_GUICHET_ETRANGERS', label: 'Usagers guichet étrangers', unit: 'count' as const },
    { key: 'LOC_RDV_SEJOUR_HONORES', label: 'RDV séjour honorés', unit: 'percent' as const },
    { key: 'LOC_FRAUDE_DOCUMENTAIRE', label: 'Fraude documentaire détectée', unit: 'per_mille' as const },
    { key: 'LOC_DELAI_NATURALISATION', label: 'Délai de rendez-vous naturalisation', unit: 'days' as const },
  ];
  const HEADER = 'mois;indicateur;valeur;numerateur;denominateur;statut;note';
  const local = (text: string, context: Partial<ImportContext> = {}) =>
    plan('local', text, { localIndicators: LOCALS, ...context });
  const localErrors = (text: string, context: Partial<ImportContext> = {}) =>
    errorsOf('local', text, { localIndicators: LOCALS, ...context });

  it('propose la correspondance par les intitulés et exige une colonne de valeur', () => {
    assert.deepEqual(suggestMapping('local', ['Mois', 'Clé', 'Numérateur', 'Dénominateur', 'Commentaire']), {
      mois: 'Mois',
      indicateur: 'Clé',
      valeur: '',
      numerateur: 'Numérateur',
      denominateur: 'Dénominateur',
      statut: '',
      note: 'Commentaire',
    });
    assert.deepEqual(
      mappingProblems('local', ['mois', 'indicateur', 'valeur'], { mois: 'mois', indicateur: 'indicateur', valeur: 'valeur' }),
      {},
    );
    assert.match(
      mappingProblems('local', ['mois', 'indicateur'], { mois: 'mois', indicateur: 'indicateur' }).valeur ?? '',
      /valeur : choisissez la colonne des valeurs/,
    );
    assert.match(
      mappingProblems('local', ['mois', 'indicateur', 'num'], { mois: 'mois', indicateur: 'indicateur', numerateur: 'num' })
        .denominateur ?? '',
      /les deux colonnes vont ensemble/,
    );
    assert.deepEqual(errorsOf('local', 'mois;visites\n2026-01;53156\n'), [
      'ligne 1 : En-tête : colonnes obligatoires manquantes : indicateur — ce fichier n’est pas au format « Indicateurs locaux » (attendu : mois, indicateur) ; valeur : choisissez la colonne des valeurs (ou les colonnes numerateur et denominateur).',
    ]);
  });

  it('clé ou libellé ; valeur telle quelle ; ×100 d’un pourcentage, ×1000 d’un pour mille ; « sans objet » avec sa note', () => {
    const { plan: p, errors } = local(
      [
        HEADER,
        '2026-01;loc_usagers_guichet_etrangers;1 842;;;;',
        '2026-01;  rdv SÉJOUR   honorés ;;1120;1264;;',
        '2026-01;LOC_FRAUDE_DOCUMENTAIRE;;3;1250;mesuré;',
        '02/2026;Délai de rendez-vous naturalisation;;;;Sans objet;prise de rendez-vous suspendue',
        '2026-03;LOC_DELAI_NATURALISATION;41,5;;;;nouvel outil de rendez-vous',
        '2026-03;LOC_DELAI_NATURALISATION_2;;;;S.O.;homonyme absent',
      ].join('\n'),
      {
        localIndicators: [...LOCALS, { key: 'LOC_DELAI_NATURALISATION_2', label: 'Délai 2', unit: 'days' }],
      },
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(
      p.values.map((v) => [v.indicatorKey, v.month, v.status, v.value, v.numerator, v.denominator, v.note]),
      [
        ['LOC_DELAI_NATURALISATION', '2026-02', 'not_applicable', null, null, null, 'prise de rendez-vous suspendue'],
        ['LOC_DELAI_NATURALISATION', '2026-03', 'measured', 41.5, null, null, 'nouvel outil de rendez-vous'],
        ['LOC_DELAI_NATURALISATION_2', '2026-03', 'not_applicable', null, null, null, 'homonyme absent'],
        ['LOC_FRAUDE_DOCUMENTAIRE', '2026-01', 'measured', 2.4, 3, 1250, null],
        ['LOC_RDV_SEJOUR_HONORES', '2026-01', 'measured', 88.61, 1120, 1264, null],
        ['LOC_USAGERS_GUICHET_ETRANGERS', '2026-01', 'measured', 1842, null, null, null],
      ],
    );
    assert.deepEqual(p.ignored, []);
    // Un fichier sans colonne statut ni note : une valeur mesurée par ligne.
    const minimal = local('mois,indicateur,valeur\n2026-04,LOC_USAGERS_GUICHET_ETRANGERS,1900\n');
    assert.deepEqual(minimal.errors, []);
    assert.equal(minimal.plan.values[0]?.value, 1900);
  });

  it('refuse inconnu, ambigu, taux > 100 %, négatif, décimal d’un nombre, dénominateur nul ou seul, doublon, hors de l’année', () => {
    const errors = localErrors(
      [
        HEADER,
        '2026-01;LOC_INCONNU;12;;;;',
        '2026-01;TEL_ABOUTIS;89;;;;',
        '2026-01;Doublon;1;;;;',
        '2026-01;LOC_RDV_SEJOUR_HONORES;;1300;1264;;',
        '2026-02;LOC_RDV_SEJOUR_HONORES;120;;;;',
        '2026-01;LOC_USAGERS_GUICHET_ETRANGERS;-4;;;;',
        '2026-02;LOC_USAGERS_GUICHET_ETRANGERS;12,5;;;;',
        '2026-03;LOC_RDV_SEJOUR_HONORES;;12;0;;',
        '2026-04;LOC_RDV_SEJOUR_HONORES;;12;;;',
        '2026-05;LOC_RDV_SEJOUR_HONORES;90;900;1000;;',
        '2026-03;LOC_USAGERS_GUICHET_ETRANGERS;;;;;',
        '2026-04;LOC_USAGERS_GUICHET_ETRANGERS;;;;sans objet;',
        '2026-05;LOC_USAGERS_GUICHET_ETRANGERS;0;;;sans objet;fermé',
        '2026-06;LOC_USAGERS_GUICHET_ETRANGERS;10;;;fermé;',
        '2026-07;LOC_USAGERS_GUICHET_ETRANGERS;10;;;;',
        '2026-07;Usagers guichet étrangers;11;;;;',
        '2025-12;LOC_USAGERS_GUICHET_ETRANGERS;10;;;;',
        '2026-08;;10;;;;',
        '2026-09;LOC_USAGERS_GUICHET_ETRANGERS;;10;4;;',
      ].join('\n'),
      {
        localIndicators: [
          ...LOCALS,
          { key: 'LOC_DOUBLON', label: 'Doublon', unit: 'count' },
          { key: 'LOC_DOUBLON_2', label: 'doublon', unit: 'count' },
        ],
      },
    );
    assert.deepEqual(errors, [
      'ligne 2 : indicateur « LOC_INCONNU » inconnu : ni la clé (LOC_…) ni le libellé d’un indicateur local de l’organisation',
      'ligne 3 : indicateur « TEL_ABOUTIS » inconnu : ni la clé (LOC_…) ni le libellé d’un indicateur local de l’organisation',
      'ligne 4 : indicateur « Doublon » ambigu : ce libellé est celui de LOC_DOUBLON et LOC_DOUBLON_2, indiquez la clé',
      'ligne 5 : numerateur (1300) supérieur au denominateur (1264) : un taux ne dépasse pas 100 %',
      'ligne 6 : valeur 120 : un pourcentage est compris entre 0 et 100',
      'ligne 7 : valeur négatif (-4)',
      'ligne 8 : valeur « 12,5 » : un nombre entier est attendu (LOC_USAGERS_GUICHET_ETRANGERS compte des unités)',
      'ligne 9 : denominateur nul : rien à mesurer, indiquez le statut « sans objet » et sa raison en note',
      'ligne 10 : denominateur vide : numerateur et denominateur vont ensemble',
      'ligne 11 : valeur et numerateur/denominateur : indiquez l’une ou les autres, pas les deux',
      'ligne 12 : valeur vide : indiquez valeur, ou numerateur et denominateur, ou le statut « sans objet » avec sa raison en note',
      'ligne 13 : statut « sans objet » : la note doit en donner la raison (exemple : « aucune demande »)',
      'ligne 14 : statut « sans objet » : valeur, numerateur et denominateur doivent rester vides',
      'ligne 15 : statut « fermé » inconnu (attendu : vide, « mesuré » ou « sans objet »)',
      'ligne 17 : l’indicateur LOC_USAGERS_GUICHET_ETRANGERS pour 2026-07 déjà présent ligne 16',
      'ligne 18 : mois 2025-12 hors de l’année 2026 choisie pour l’import',
      'ligne 19 : indicateur vide',
      'ligne 20 : valeur calculée 2,5 : un nombre entier est attendu (LOC_USAGERS_GUICHET_ETRANGERS compte des unités)',
    ]);
  });

  it('« 88,6 % » est lu comme 88,6 ; une valeur sous 1 % est signalée (cellule Excel au format pourcentage)', () => {
    const { plan: p, errors } = local(
      `${HEADER}\n2026-01;LOC_RDV_SEJOUR_HONORES;88,6 %;;;;\n2026-02;LOC_RDV_SEJOUR_HONORES;0,886;;;;\n2026-03;LOC_FRAUDE_DOCUMENTAIRE;2,4 ‰;;;;\n`,
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(
      p.values.map((v) => v.value),
      [2.4, 88.6, 0.89],
    );
    assert.deepEqual(p.warnings, [
      {
        line: 3,
        message:
          'valeur 0,886 pour LOC_RDV_SEJOUR_HONORES : moins de 1 %, vérifiez qu’il ne s’agit pas d’une cellule au format pourcentage (0,886 pour 88,6 %)',
      },
    ]);
    assert.deepEqual(localErrors(`${HEADER}\n2026-01;LOC_USAGERS_GUICHET_ETRANGERS;12 %;;;;\n`), [
      'ligne 2 : valeur « 12 % » : un nombre est attendu (exemple : 4,2)',
    ]);
  });

  it('sans indicateur local, chaque ligne le dit', () => {
    assert.deepEqual(errorsOf('local', `${HEADER}\n2026-01;LOC_USAGERS_GUICHET_ETRANGERS;12;;;;\n`), [
      'ligne 2 : indicateur « LOC_USAGERS_GUICHET_ETRANGERS » inconnu : l’organisation n’a aucun indicateur local (ajoutez-le au catalogue avant l’import)',
    ]);
  });
});
