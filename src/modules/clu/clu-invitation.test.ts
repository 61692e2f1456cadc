import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instantToLocalDateTime } from '../calendar/local-date.ts';
import { standardAgenda } from './clu-agenda.ts';
import { invitationBody, invitationIcs, invitationUid, invitationVersion } from './clu-invitation.ts';
import { defaultPeriod, localDateTimeToUtc } from './clu-time.ts';

const meeting = {
  id: 'reunion-1',
  startsAt: '2026-06-30T10:30',
  durationMinutes: 150,
  place: 'Salle Gergovie, préfecture; Clermont-Ferrand',
  chair: 'M. le secrétaire général',
  agenda: standardAgenda(),
};
const context = {
  organisationName: 'Préfecture du Puy-de-Dôme',
  timeZone: 'Europe/Paris',
  uidDomain: 'vigie.example',
  organizer: { name: 'Mission performance', email: 'pref-qualite@example.test' },
};

/** Lignes dépliées d'un fichier iCalendar (RFC 5545 § 3.1). */
function unfold(ics: string): string[] {
  return ics.replace(/\r\n[ \t]/g, '').split('\r\n');
}

describe('heures locales des réunions', () => {
  it('convertit l’heure locale du département en UTC (heure d’été, outre-mer)', () => {
    assert.equal(localDateTimeToUtc('2026-06-30T10:30', 'Europe/Paris').toISOString(), '2026-06-30T08:30:00.000Z');
    assert.equal(localDateTimeToUtc('2026-01-15T10:30', 'Europe/Paris').toISOString(), '2026-01-15T09:30:00.000Z');
    assert.equal(localDateTimeToUtc('2026-06-30T10:30', 'Indian/Reunion').toISOString(), '2026-06-30T06:30:00.000Z');
    assert.equal(localDateTimeToUtc('2026-06-30T10:30', 'America/Cayenne').toISOString(), '2026-06-30T13:30:00.000Z');
    // 2 h 30 n'existe pas le 29 mars 2026 à Paris : reportée d'une heure, comme dans les agendas.
    assert.equal(localDateTimeToUtc('2026-03-29T02:30', 'Europe/Paris').toISOString(), '2026-03-29T01:30:00.000Z');
    assert.equal(instantToLocalDateTime(new Date('2026-06-30T08:30:00Z'), 'Europe/Paris'), '2026-06-30T10:30');
  });

  it('propose par défaut l’année civile qui précède', () => {
    assert.deepEqual(defaultPeriod('2026-06-30'), { from: '2025-01-01', to: '2025-12-31' });
  });
});

describe('invitation d’agenda (.ics)', () => {
  it('METHOD:REQUEST, UID stable par réunion et membre, heures en UTC, titre, lieu et ordre du jour', () => {
    const recipient = { memberId: 'membre-7', name: 'Mme Christine DEVAUX', email: 'c.devaux@example.test' };
    const ics = invitationIcs(meeting, context, recipient, { sequence: 0, stamp: new Date('2026-04-02T08:30:00Z') });
    const lines = unfold(ics);
    assert.ok(lines.includes('METHOD:REQUEST'));
    assert.ok(lines.includes(`UID:${invitationUid('reunion-1', 'membre-7', 'vigie.example')}`));
    assert.ok(lines.includes('DTSTART:20260630T083000Z'));
    assert.ok(lines.includes('DTEND:20260630T110000Z'));
    assert.ok(lines.includes('DTSTAMP:20260402T083000Z'), 'horodatage de l’horloge injectée');
    assert.ok(lines.includes('SUMMARY:Comité local des usagers — Préfecture du Puy-de-Dôme'));
    assert.ok(lines.includes('LOCATION:Salle Gergovie\\, préfecture\\; Clermont-Ferrand'));
    assert.ok(lines.some((l) => l.startsWith('ORGANIZER;') && l.endsWith(':MAILTO:pref-qualite@example.test')));
    assert.ok(lines.some((l) => l.startsWith('ATTENDEE;') && l.endsWith(':mailto:c.devaux@example.test')));
    const description = lines.find((l) => l.startsWith('DESCRIPTION:')) ?? '';
    assert.match(description, /1\. La démarche Qual-e-pref/);
    assert.match(description, /9\. Questions et propositions des membres/);
    // Le même membre, un autre envoi : même UID (mise à jour de l'événement, pas de doublon).
    const again = invitationIcs(meeting, context, recipient, { sequence: 1, stamp: new Date('2026-05-02T08:30:00Z') });
    assert.ok(unfold(again).includes(`UID:${invitationUid('reunion-1', 'membre-7', 'vigie.example')}`));
    assert.ok(unfold(again).includes('SEQUENCE:1'));
  });

  it('change de version quand l’heure ou le lieu changent, pas autrement', () => {
    const v = invitationVersion(meeting);
    assert.equal(invitationVersion({ ...meeting }), v);
    assert.notEqual(invitationVersion({ ...meeting, startsAt: '2026-06-30T14:00' }), v);
    assert.notEqual(invitationVersion({ ...meeting, place: 'Sous-préfecture de Riom' }), v);
  });

  it('écrit un courriel en français avec la date longue et l’ordre du jour', () => {
    const body = invitationBody(meeting, context, 'Madame');
    assert.match(body, /^Madame,/);
    assert.match(body, /préfecture du Puy-de-Dôme, le mardi 30 juin 2026 à 10\u00a0h\u00a030/);
    assert.match(body, /durée prévue : 2\u00a0h\u00a030/);
    assert.match(body, /7\. Plan d’actions/);
  });
});
