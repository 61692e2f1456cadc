import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import {
  coverage,
  normaliseSchoolZone,
  overlaps,
  parseSchoolHolidayCsv,
  type SchoolHolidayPeriod,
  schoolYearOf,
  schoolYearsBetween,
} from './school-holidays.ts';

/** Les données livrées, lues directement (sans base). */
const SHIPPED: SchoolHolidayPeriod[] = (
  parse(readFileSync(new URL('./data/school-holidays.csv', import.meta.url), 'utf8'), { columns: true }) as Record<
    string,
    string
  >[]
).map((r) => ({
  schoolYear: r.school_year ?? '',
  zone: r.zone ?? '',
  name: r.name ?? '',
  startDate: r.start_date ?? '',
  endDate: r.end_date ?? '',
}));

function messages(text: string): [number, string][] {
  return parseSchoolHolidayCsv(text).errors.map((e) => [e.line, e.message]);
}

describe('vacances scolaires : années scolaires', () => {
  it('une année scolaire court de septembre à août', () => {
    assert.equal(schoolYearOf('2026-10-20'), '2026-2027');
    assert.equal(schoolYearOf('2026-09-01'), '2026-2027');
    assert.equal(schoolYearOf('2026-08-31'), '2025-2026');
    assert.equal(schoolYearOf('2027-07-03'), '2026-2027');
    assert.equal(schoolYearOf('2027-01-04'), '2026-2027');
    assert.throws(() => schoolYearOf('2026-02-30'), RangeError);
    assert.deepEqual(schoolYearsBetween('2024-2025', '2027-2028'), ['2024-2025', '2025-2026', '2026-2027', '2027-2028']);
  });

  it('les 124 périodes livrées sont rangées dans l’année scolaire de leur premier jour', () => {
    assert.equal(SHIPPED.length, 124);
    for (const p of SHIPPED) assert.equal(schoolYearOf(p.startDate), p.schoolYear, `${p.zone} ${p.name} ${p.startDate}`);
  });

  it('reconnaît les zones quelle que soit la graphie', () => {
    assert.equal(normaliseSchoolZone('a'), 'A');
    assert.equal(normaliseSchoolZone('Zone C'), 'C');
    assert.equal(normaliseSchoolZone('la reunion'), 'La Réunion');
    assert.equal(normaliseSchoolZone('CORSE'), 'Corse');
    assert.equal(normaliseSchoolZone('D'), undefined);
  });
});

describe('vacances scolaires : couverture', () => {
  it('métropole : complète avec les cinq vacances, partielle sans l’été, manquante sans rien', () => {
    const complete = coverage(SHIPPED, 'A', '2025-2026');
    assert.equal(complete.status, 'complete');
    assert.deepEqual(
      complete.periods.map((p) => p.name),
      ['Toussaint', 'Noël', 'Hiver', 'Printemps', "Pont de l'Ascension", 'Été'],
    );
    assert.deepEqual(complete.missing, []);
    // Rentrée 2028 non publiée : l'été 2028 manque.
    const partial = coverage(SHIPPED, 'A', '2027-2028');
    assert.equal(partial.status, 'partial');
    assert.deepEqual(partial.missing, ['Été']);
    assert.equal(coverage(SHIPPED, 'A', '2028-2029').status, 'missing');
    assert.deepEqual(coverage(SHIPPED, 'A', '2028-2029').periods, []);
    for (const zone of ['B', 'C']) assert.equal(coverage(SHIPPED, zone, '2026-2027').status, 'complete');
  });

  it('Corse et outre-mer : au moins quatre périodes dont un été', () => {
    assert.equal(coverage(SHIPPED, 'Corse', '2024-2025').status, 'complete');
    assert.equal(coverage(SHIPPED, 'Corse', '2025-2026').status, 'partial');
    assert.deepEqual(coverage(SHIPPED, 'Corse', '2025-2026').missing, ['Été']);
    // Rien de livré pour la Corse en 2026-2027 : manquante, jamais devinée d'après la zone voisine.
    assert.equal(coverage(SHIPPED, 'Corse', '2026-2027').status, 'missing');
    assert.equal(coverage(SHIPPED, 'La Réunion', '2024-2025').status, 'complete'); // « Été austral »
    assert.equal(coverage(SHIPPED, 'Guadeloupe', '2024-2025').status, 'complete');
    assert.equal(coverage(SHIPPED, 'Guadeloupe', '2025-2026').status, 'partial');
    assert.equal(coverage(SHIPPED, 'Mayotte', '2026-2027').status, 'missing');
    const three: SchoolHolidayPeriod[] = [
      { schoolYear: '2026-2027', zone: 'Guyane', name: 'Toussaint', startDate: '2026-10-17', endDate: '2026-11-02' },
      { schoolYear: '2026-2027', zone: 'Guyane', name: 'Noël', startDate: '2026-12-19', endDate: '2027-01-04' },
      { schoolYear: '2026-2027', zone: 'Guyane', name: 'Été', startDate: '2027-07-03', endDate: '2027-09-01' },
    ];
    assert.equal(coverage(three, 'Guyane', '2026-2027').status, 'partial');
  });

  it('reconnaît une vacance saisie avec un intitulé plus long', () => {
    const typed = ['Vacances de la Toussaint', 'Vacances de Noël', 'vacances d’hiver', 'Printemps', 'Vacances d’été'].map(
      (name, i) => ({ schoolYear: '2028-2029', zone: 'B', name, startDate: `2028-1${i}-01`, endDate: `2028-1${i}-10` }),
    );
    assert.equal(coverage(typed, 'B', '2028-2029').status, 'complete');
    assert.deepEqual(coverage(typed.slice(1), 'B', '2028-2029').missing, ['Toussaint']);
  });
});

describe('vacances scolaires : chevauchements', () => {
  const zoneA = SHIPPED.filter((p) => p.zone === 'A');
  const names = (from: string, to: string) => overlaps(zoneA, from, to).map((p) => `${p.name} ${p.schoolYear}`);

  it('le jour de reprise n’est pas un jour de vacances, le premier jour l’est', () => {
    // Noël 2025-2026 : du 2025-12-20 à la reprise le 2026-01-05.
    assert.deepEqual(names('2026-01-05', '2026-01-10'), []);
    assert.deepEqual(names('2026-01-04', '2026-01-04'), ['Noël 2025-2026']);
    assert.deepEqual(names('2025-12-19', '2025-12-19'), []);
    assert.deepEqual(names('2025-12-01', '2025-12-20'), ['Noël 2025-2026']);
  });

  it('rend toutes les périodes touchées par une plage', () => {
    assert.deepEqual(names('2025-10-01', '2026-03-01'), ['Toussaint 2025-2026', 'Noël 2025-2026', 'Hiver 2025-2026']);
    assert.deepEqual(names('2026-03-02', '2026-04-03'), []);
  });
});

describe('vacances scolaires : lecture du format d’import', () => {
  it('lit l’exemple de la documentation : les vraies dates 2027-2028 de la zone A livrées', () => {
    const text = readFileSync(new URL('../../../docs/formats/vacances-scolaires-exemple.csv', import.meta.url), 'utf8');
    const { rows, errors } = parseSchoolHolidayCsv(text);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      rows.map(({ line: _line, ...period }) => period),
      SHIPPED.filter((p) => p.zone === 'A' && p.schoolYear === '2027-2028'),
    );
    assert.deepEqual(
      rows.map((r) => r.line),
      [2, 3, 4, 5, 6],
    );
  });

  it('accepte la virgule, les dates JJ/MM/AAAA, la marque d’ordre d’octets et des colonnes dans un autre ordre', () => {
    const { rows, errors } = parseSchoolHolidayCsv(
      '\uFEFFzone,annee_scolaire,nom,debut,fin\r\nzone b,2028-2029,Toussaint,21/10/2028,06/11/2028\r\n\r\nB,2028-2029,"Noël, fêtes",2028-12-23,2029-01-08\r\n',
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(
      rows.map((r) => [r.line, r.zone, r.name, r.startDate, r.endDate]),
      [
        [2, 'B', 'Toussaint', '2028-10-21', '2028-11-06'],
        [4, 'B', 'Noël, fêtes', '2028-12-23', '2029-01-08'],
      ],
    );
  });

  it('signale chaque erreur avec son numéro de ligne', () => {
    const text = [
      'annee_scolaire;zone;nom;debut;fin',
      '2028-2029;D;Toussaint;2028-10-21;2028-11-06',
      '2028-2029;A;Noël;2028-12-23;2029-02-30',
      '2028-2029;A;Hiver;2029-02-24;2029-02-24',
      '2027-2028;A;Printemps;2029-04-21;2029-05-07',
      '2028-2029;A;Toussaint',
      '2028-2029;A;Toussaint;2028-10-21;2028-11-06',
      '2028-2029;A;Toussaint;2028-10-21;2028-11-06',
      '2028-2029;A;Pont;2028-11-01;2028-11-03',
      '2028-2029;B;Pont;2028-11-01;2028-11-03',
      '2028;A;Été;2029-07-07;2029-09-03',
    ].join('\n');
    const { rows, errors } = parseSchoolHolidayCsv(text);
    assert.deepEqual(
      errors.map((e) => [e.line, e.message]),
      [
        [2, 'Zone inconnue « D » : A, B, C, Corse, Guadeloupe, Martinique, Guyane, La Réunion, Mayotte.'],
        [3, 'Date de fin « 2029-02-30 » impossible ou mal formée (AAAA-MM-JJ ou JJ/MM/AAAA).'],
        [
          4,
          'La fin (2029-02-24, jour de reprise des cours) doit être postérieure au début (2029-02-24, premier jour de vacances).',
        ],
        [
          5,
          'Année scolaire « 2027-2028 » incohérente avec les dates : une période qui commence le 2029-04-21 appartient à 2028-2029.',
        ],
        [6, 'Colonnes vides ou absentes : debut, fin (3 valeurs au lieu de 5 : vérifiez le séparateur).'],
        [8, 'Doublon de la ligne 7.'],
        [9, 'Chevauche la période « Toussaint » (2028-10-21 → 2028-11-06) de la ligne 7 (zone A).'],
        [11, 'Année scolaire « 2028 » mal formée : deux années qui se suivent, par exemple 2027-2028.'],
      ],
    );
    // Une période d'une autre zone aux mêmes dates ne chevauche rien.
    assert.deepEqual(
      rows.map((r) => [r.line, r.zone, r.name]),
      [
        [7, 'A', 'Toussaint'],
        [10, 'B', 'Pont'],
      ],
    );
  });

  it('refuse un en-tête incomplet ou inconnu, un texte vide, des guillemets non refermés', () => {
    assert.deepEqual(messages('annee_scolaire;zone;nom;debut\n2028-2029;A;Noël;2028-12-23'), [
      [1, 'Colonne « fin » absente de l’en-tête (attendu : annee_scolaire;zone;nom;debut;fin, séparées par « ; » ou « , »).'],
    ]);
    assert.deepEqual(messages('annee_scolaire;zone;nom;debut;fin;commentaire\n'), [
      [1, 'Colonne inconnue « commentaire » : colonnes attendues annee_scolaire;zone;nom;debut;fin.'],
    ]);
    assert.match(messages('  \n')[0]?.[1] ?? '', /^Texte vide/);
    assert.deepEqual(messages('annee_scolaire;zone;nom;debut;fin\n'), [[1, 'Aucune période après l’en-tête.']]);
    assert.equal(messages('annee_scolaire;zone;nom;debut;fin\n2028-2029;A;"Noël;2028-12-23;2029-01-08\n')[0]?.[0], 2);
  });

  it('ignore les lignes vides d’un tableur (« ;;;; »)', () => {
    const { rows, errors } = parseSchoolHolidayCsv(
      'annee_scolaire;zone;nom;debut;fin;\n;;;;;\n2028-2029;A;Noël;2028-12-23;2029-01-08;\n',
    );
    assert.deepEqual(errors, []);
    assert.equal(rows.length, 1);
  });
});
