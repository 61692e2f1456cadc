import { z } from 'zod';
import { optionalText, requiredText } from '../../shared/validation.ts';
import { isIsoDate, isSchoolYear, schoolYearOf } from './school-holidays.ts';

const isoDate = (label: string) =>
  z
    .string({ error: `${label} : champ obligatoire (AAAA-MM-JJ).` })
    .trim()
    .min(1, { error: `${label} : champ obligatoire (AAAA-MM-JJ).` })
    .pipe(z.iso.date({ error: `${label} : date impossible ou mal formée, format attendu AAAA-MM-JJ.` }));

/** Une période saisie par le référent ; la zone n'est pas saisie : c'est celle du département de la préfecture. */
export const schoolHolidayPeriodSchema = z
  .object({
    schoolYear: z
      .string({ error: 'Année scolaire : champ obligatoire (par exemple 2027-2028).' })
      .trim()
      .refine(isSchoolYear, { error: 'Année scolaire : deux années qui se suivent, par exemple 2027-2028.' }),
    name: requiredText('Nom de la période', 80),
    startDate: isoDate('Premier jour de vacances'),
    endDate: isoDate('Jour de reprise des cours'),
    source: optionalText('Source', 300),
  })
  .superRefine((data, ctx) => {
    // zod v4 continue après l'échec d'un champ : ne comparer que des valeurs valides.
    if (!isIsoDate(data.startDate)) return;
    if (isIsoDate(data.endDate) && data.endDate <= data.startDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['endDate'],
        message: 'Jour de reprise des cours : il doit suivre le premier jour de vacances.',
      });
    }
    const expected = schoolYearOf(data.startDate);
    if (isSchoolYear(data.schoolYear) && expected !== data.schoolYear) {
      ctx.addIssue({
        code: 'custom',
        path: ['schoolYear'],
        message: `Année scolaire : une période qui commence le ${data.startDate} appartient à l’année scolaire ${expected}.`,
      });
    }
  });
export type SchoolHolidayPeriodInput = z.input<typeof schoolHolidayPeriodSchema>;

/** Texte collé dans le formulaire d'import. */
export const schoolHolidayImportSchema = z.object({
  csv: z
    .string({ error: 'Texte CSV : champ obligatoire.' })
    .refine((v) => v.trim() !== '', { error: 'Texte CSV : collez l’en-tête puis une ligne par période.' })
    .refine((v) => v.length <= 200_000, { error: 'Texte CSV : 200 000 caractères au plus.' }),
});
