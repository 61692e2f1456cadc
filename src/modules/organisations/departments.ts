import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';

/** Un département, avec ce qui en découle pour Vigie : fuseau, calendrier des jours fériés, population. */
export interface Department {
  code: string;
  name: string;
  /** « du Puy-de-Dôme », « de l'Allier », « de la Corrèze »… (article du COG INSEE). */
  nameWithArticle: string;
  prefectureCity: string;
  regionName: string;
  population: number;
  populationYear: number;
  schoolZone: string;
  holidayCalendar: string;
  timeZone: string;
}

interface CsvRow {
  code: string;
  name: string;
  prefecture_city: string;
  region_name: string;
  population: string;
  population_year: string;
  school_zone: string;
  holiday_calendar: string;
  iana_time_zone: string;
}

interface CogDepartment {
  code: string;
  nom: string;
  typeLiaison: number;
}

/** Article de liaison selon le « type de nom en clair » (TNCC) du COG de l'INSEE. */
function withArticle(name: string, typeLiaison: number): string {
  switch (typeLiaison) {
    case 1:
    case 5:
      return `de l'${name}`;
    case 2:
      return `du ${name}`;
    case 3:
      return `de la ${name}`;
    case 4:
    case 6:
      return `des ${name}`;
    default:
      return `de ${name}`;
  }
}

function load(): Map<string, Department> {
  const csv = readFileSync(new URL('./data/departments.csv', import.meta.url), 'utf8');
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as CsvRow[];
  const require = createRequire(import.meta.url);
  const cog = require('@etalab/decoupage-administratif/data/departements.json') as CogDepartment[];
  const liaison = new Map(cog.map((d) => [d.code, d.typeLiaison]));
  const departments = new Map<string, Department>();
  for (const row of rows) {
    departments.set(row.code, {
      code: row.code,
      name: row.name,
      nameWithArticle: withArticle(row.name, liaison.get(row.code) ?? 0),
      prefectureCity: row.prefecture_city,
      regionName: row.region_name,
      population: Number(row.population),
      populationYear: Number(row.population_year),
      schoolZone: row.school_zone,
      holidayCalendar: row.holiday_calendar,
      timeZone: row.iana_time_zone,
    });
  }
  return departments;
}

const DEPARTMENTS = load();

/** Accepte « 7 » pour « 07 », « 2a » pour « 2A ». */
export function normaliseDepartmentCode(input: string): string {
  const code = input.trim().toUpperCase();
  return /^\d$/.test(code) ? `0${code}` : code;
}

export function findDepartment(code: string): Department | undefined {
  return DEPARTMENTS.get(normaliseDepartmentCode(code));
}

/** Fuseau IANA d'un département ; Paris pour un code inconnu ou absent (une organisation a toujours un département valide). */
export function departmentTimeZone(code: string | null | undefined): string {
  return (code ? findDepartment(code)?.timeZone : undefined) ?? 'Europe/Paris';
}

export function listDepartments(): Department[] {
  return [...DEPARTMENTS.values()];
}

/** Intitulé du bloc-marque, comme dans les présentations des CLU : « Préfet du Puy-de-Dôme ». */
export function prefectLabel(department: Department): string {
  return `Préfet ${department.nameWithArticle}`;
}
