import { z } from 'zod';
import { requiredText } from '../../shared/validation.ts';
import { isValidCivilDate } from '../calendar/civil-date.ts';

/** Présence d'un membre invité : `invited` tant qu'elle n'est pas relevée. */
export const ATTENDANCE_STATUSES = ['invited', 'present', 'excused', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const ATTENDANCE_LABELS: Record<AttendanceStatus, string> = {
  invited: 'Invité (présence non relevée)',
  present: 'Présent',
  excused: 'Excusé',
  absent: 'Absent',
};

export const CHANNEL_LABELS: Record<string, string> = {
  email: 'Courriel',
  post: 'Courrier',
};

function civilDate(label: string) {
  return z
    .string({ error: `${label} : champ obligatoire.` })
    .trim()
    .min(1, { error: `${label} : champ obligatoire.` })
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && isValidCivilDate(v), {
      error: `${label} : date impossible ou mal formée (AAAA-MM-JJ).`,
    });
}

export const meetingSchema = z
  .object({
    date: civilDate('Date de la réunion'),
    time: z
      .string({ error: 'Heure de début : champ obligatoire.' })
      .trim()
      .min(1, { error: 'Heure de début : champ obligatoire.' })
      .refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), { error: 'Heure de début : indiquez HH:MM (exemple : 10:30).' }),
    durationMinutes: z.coerce
      .number({ error: 'Durée : un nombre de minutes.' })
      .int({ error: 'Durée : un nombre entier de minutes.' })
      .min(15, { error: 'Durée : 15 minutes au moins.' })
      .max(720, { error: 'Durée : 12 heures au plus (720 minutes).' }),
    place: requiredText('Lieu', 300),
    chair: requiredText('Président de séance', 200),
    periodFrom: civilDate('Début de la période couverte'),
    periodTo: civilDate('Fin de la période couverte'),
  })
  .refine((v) => v.periodFrom <= v.periodTo, {
    path: ['periodTo'],
    error: 'Fin de la période couverte : elle ne peut pas précéder le début.',
  });
export type MeetingInput = z.infer<typeof meetingSchema>;

export const opinionSchema = z.object({
  opinion: z
    .string()
    .trim()
    .max(4000, { error: 'Avis : 4 000 caractères au plus.' })
    .optional()
    .transform((v) => (v ? v : null)),
});
