import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instantToLocalDate, localMidnightInstant, toLocalDate } from './local-date.ts';

function iso(date: string, timeZone: string): string {
  return localMidnightInstant(date, timeZone).toISOString();
}

describe('minuit local en instant UTC', () => {
  it('Paris : heure d’hiver, heure d’été, et les deux jours de changement d’heure', () => {
    assert.equal(iso('2026-01-15', 'Europe/Paris'), '2026-01-14T23:00:00.000Z');
    assert.equal(iso('2026-07-01', 'Europe/Paris'), '2026-06-30T22:00:00.000Z');
    // Le 29 mars 2026, l'heure change à 2 h : minuit est encore à l'heure d'hiver, le lendemain à l'heure d'été.
    assert.equal(iso('2026-03-29', 'Europe/Paris'), '2026-03-28T23:00:00.000Z');
    assert.equal(iso('2026-03-30', 'Europe/Paris'), '2026-03-29T22:00:00.000Z');
    // Le 25 octobre 2026, retour à l'heure d'hiver à 3 h.
    assert.equal(iso('2026-10-25', 'Europe/Paris'), '2026-10-24T22:00:00.000Z');
    assert.equal(iso('2026-10-26', 'Europe/Paris'), '2026-10-25T23:00:00.000Z');
  });

  it('les fuseaux d’outre-mer (Antilles, Guyane, La Réunion, Mayotte, Saint-Pierre-et-Miquelon)', () => {
    assert.equal(iso('2026-03-01', 'America/Guadeloupe'), '2026-03-01T04:00:00.000Z');
    assert.equal(iso('2026-03-01', 'America/Martinique'), '2026-03-01T04:00:00.000Z');
    assert.equal(iso('2026-03-01', 'America/Cayenne'), '2026-03-01T03:00:00.000Z');
    assert.equal(iso('2026-03-01', 'Indian/Reunion'), '2026-02-28T20:00:00.000Z');
    assert.equal(iso('2026-03-01', 'Indian/Mayotte'), '2026-02-28T21:00:00.000Z');
    assert.equal(iso('2026-01-01', 'Pacific/Noumea'), '2025-12-31T13:00:00.000Z');
    // Saint-Pierre-et-Miquelon change d'heure le 8 mars 2026 à 2 h.
    assert.equal(iso('2026-03-08', 'America/Miquelon'), '2026-03-08T03:00:00.000Z');
    assert.equal(iso('2026-03-09', 'America/Miquelon'), '2026-03-09T02:00:00.000Z');
  });

  it('un minuit qui n’existe pas (passage à l’heure d’été à minuit) : le premier instant du jour', () => {
    // Chili, 6 septembre 2026 : 23:59:59 (−04:00) le 5, puis 01:00 (−03:00) le 6.
    assert.equal(iso('2026-09-06', 'America/Santiago'), '2026-09-06T04:00:00.000Z');
    // Cuba, 8 mars 2026 : 00:00 devient 01:00.
    assert.equal(iso('2026-03-08', 'America/Havana'), '2026-03-08T05:00:00.000Z');
  });

  it('l’instant rendu est le premier de la journée locale, chaque jour de l’année, dans chaque fuseau', () => {
    const zones = [
      'Europe/Paris',
      'America/Guadeloupe',
      'America/Cayenne',
      'Indian/Reunion',
      'Indian/Mayotte',
      'America/Miquelon',
      'America/Santiago',
    ];
    for (const zone of zones) {
      for (let day = 0; day < 366; day++) {
        const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
        const start = localMidnightInstant(date, zone);
        assert.equal(instantToLocalDate(start, zone), date, `${zone} ${date}`);
        assert.ok(instantToLocalDate(new Date(start.getTime() - 1), zone) < date, `${zone} ${date} : la seconde d’avant`);
      }
    }
  });

  it('date gardée par quart d’heure : identique au formatage direct, changements d’heure et décalages de 30 ou 45 min compris', () => {
    const zones = [
      'Europe/Paris',
      'Pacific/Marquesas',
      'Asia/Kathmandu',
      'Australia/Eucla',
      'Pacific/Chatham',
      'America/St_Johns',
    ];
    // Jours de changement d'heure (Europe, Chatham, Terre-Neuve) et un jour ordinaire, par pas de 7 min 13 s.
    const days = ['2026-03-29', '2026-10-25', '2026-04-05', '2026-09-27', '2026-03-08', '2026-11-01', '2026-06-15'];
    for (const zone of zones) {
      const direct = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      for (const day of days) {
        const from = Date.parse(`${day}T00:00:00Z`) - 36 * 3600_000;
        for (let ms = from; ms < from + 72 * 3600_000; ms += 7 * 60_000 + 13_000) {
          const at = new Date(ms);
          assert.equal(instantToLocalDate(at, zone), direct.format(at), `${zone} ${at.toISOString()}`);
        }
      }
    }
    // Avant 1980, formatage direct : en 1900, Paris avait 9 min 21 s d'avance sur UTC, minuit local tombait
    // au milieu d'un quart d'heure UTC.
    assert.equal(instantToLocalDate(new Date('1900-01-01T23:46:00Z'), 'Europe/Paris'), '1900-01-01');
    assert.equal(instantToLocalDate(new Date('1900-01-01T23:55:00Z'), 'Europe/Paris'), '1900-01-02');
  });

  it('aller-retour avec toLocalDate, et date impossible refusée', () => {
    const start = localMidnightInstant('2026-03-01', 'Europe/Paris');
    assert.deepEqual(toLocalDate(start.toISOString(), 'Europe/Paris'), { ok: true, date: '2026-03-01' });
    assert.throws(() => localMidnightInstant('2026-02-30', 'Europe/Paris'), RangeError);
    assert.throws(() => localMidnightInstant('1er mars', 'Europe/Paris'), RangeError);
  });
});
