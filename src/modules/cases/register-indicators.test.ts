import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarFor } from '../calendar/working-calendar.ts';
import { monthsOf, parsePeriod } from './period.ts';
import {
  type CaseFacts,
  computeRegisterIndicator,
  REGISTER_INDICATORS,
  registerIndicatorsFor,
  round2,
} from './register-indicators.ts';

const calendar = calendarFor('metropole');
const definition = (key: string) => {
  const found = REGISTER_INDICATORS.find((d) => d.key === key);
  assert.ok(found, key);
  return found;
};
const march = parsePeriod('2026-03');
assert.ok(march);

let counter = 0;
function mail(received: string, answered: string | null, extra: Partial<CaseFacts> = {}): CaseFacts {
  counter++;
  return {
    id: `c${counter}`,
    reference: `2026-${counter}`,
    kind: 'information_request',
    channel: 'email',
    audience: 'public',
    target: null,
    receivedLocalDate: received,
    answeredLocalDate: answered,
    appointmentFixedLocalDate: null,
    appointmentHeldLocalDate: null,
    ...extra,
  };
}

describe('indicateurs du registre : règles aux limites', () => {
  it('tenu, manqué, en attente : une échéance égale à la date d’arrêté est encore en attente', () => {
    // Reçu le lundi 23 mars 2026 : échéance à 5 jours ouvrés le lundi 30 mars.
    const cases = [mail('2026-03-23', null)];
    const atDue = computeRegisterIndicator(definition('DI_MAIL_5J'), cases, march, '2026-03-30', calendar);
    assert.deepEqual(atDue.cases, { met: [], missed: [], pending: ['c1'] });
    assert.equal(atDue.status, 'not_applicable');
    assert.equal(atDue.value, null);
    assert.equal(atDue.provisional, true);
    const after = computeRegisterIndicator(definition('DI_MAIL_5J'), cases, march, '2026-03-31', calendar);
    assert.deepEqual(after.cases, { met: [], missed: ['c1'], pending: [] });
    assert.equal(after.status, 'measured');
    assert.equal(after.value, 0);
    assert.equal(after.provisional, true, 'période non close le 31 mars');
    const closed = computeRegisterIndicator(definition('DI_MAIL_5J'), cases, march, '2026-04-01', calendar);
    assert.equal(closed.provisional, false);
  });

  it('une réponse postérieure à la date d’arrêté est ignorée', () => {
    const cases = [mail('2026-03-02', '2026-03-20')];
    const before = computeRegisterIndicator(definition('DI_MAIL_5J'), cases, march, '2026-03-06', calendar);
    assert.deepEqual(before.cases.pending, [cases[0]?.id]);
    const later = computeRegisterIndicator(definition('DI_MAIL_5J'), cases, march, '2026-04-30', calendar);
    assert.deepEqual(later.cases.missed, [cases[0]?.id]);
    const delay = computeRegisterIndicator(definition('DI_MAIL_DELAI'), cases, march, '2026-03-19', calendar);
    assert.equal(delay.status, 'not_applicable', 'aucune réponse connue au 19 mars : pas de délai moyen, jamais 0');
  });

  it('0 % seulement avec un dénominateur positif ; rien à mesurer : sans objet', () => {
    const none = computeRegisterIndicator(definition('RECL_PAPIER_10J'), [], march, '2026-05-31', calendar);
    assert.deepEqual([none.status, none.value, none.numerator, none.denominator], ['not_applicable', null, 0, 0]);
    const zero = computeRegisterIndicator(
      definition('RECL_PAPIER_10J'),
      [mail('2026-03-02', '2026-03-31', { kind: 'complaint', channel: 'urn' })],
      march,
      '2026-05-31',
      calendar,
    );
    assert.deepEqual([zero.status, zero.value, zero.numerator, zero.denominator, zero.provisional], ['measured', 0, 0, 1, false]);
  });

  it('délai égal à N : tenu ; N + 1 : manqué ; le délai moyen compte les réponses de la population', () => {
    const cases = [
      mail('2026-03-02', '2026-03-09'), // 5 jours ouvrés
      mail('2026-03-02', '2026-03-10'), // 6
      mail('2026-03-02', '2026-03-02'), // 0
    ];
    const result = computeRegisterIndicator(definition('DI_MAIL_5J'), cases, march, '2026-04-30', calendar);
    assert.deepEqual([result.numerator, result.denominator, result.value], [2, 3, 66.67]);
    const mean = computeRegisterIndicator(definition('DI_MAIL_DELAI'), cases, march, '2026-04-30', calendar);
    assert.deepEqual([mean.numerator, mean.denominator, mean.value, mean.unit], [11, 3, 3.67, 'working_days']);
  });

  it('population : date locale de réception dans la période, nature, canal, public et cible', () => {
    const cases = [
      mail('2026-02-28', '2026-03-02'),
      mail('2026-03-31', '2026-04-01'),
      mail('2026-03-10', '2026-03-10', { channel: 'web_form' }),
      mail('2026-03-10', '2026-03-10', { channel: 'letter' }),
      mail('2026-03-10', '2026-03-10', { kind: 'complaint' }),
      mail('2026-03-10', '2026-03-10', { audience: 'local_authority' }),
    ];
    const result = computeRegisterIndicator(definition('DI_MAIL_5J'), cases, march, '2026-04-30', calendar);
    assert.equal(result.denominator, 3, 'le 31 mars, le formulaire en ligne et la collectivité comptent au module 1');
    const ct = computeRegisterIndicator(definition('CT_MAIL_5J'), cases, march, '2026-04-30', calendar);
    assert.equal(ct.denominator, 1, 'le module 4 ne compte que les collectivités');
    const svi = computeRegisterIndicator(
      definition('SVI_MAJ_3J'),
      [
        mail('2026-03-10', '2026-03-13', { kind: 'update_request', channel: 'internal', target: 'svi' }),
        mail('2026-03-10', '2026-03-16', { kind: 'update_request', channel: 'internal', target: 'website' }),
      ],
      march,
      '2026-04-30',
      calendar,
    );
    assert.deepEqual([svi.numerator, svi.denominator], [1, 1]);
  });

  it('rendez-vous d’élu : date fixée sous 4 jours, rendez-vous tenu sous 10', () => {
    const request = mail('2026-03-02', null, {
      kind: 'elected_official_appointment',
      channel: 'letter',
      audience: 'local_authority',
      appointmentFixedLocalDate: '2026-03-06',
      appointmentHeldLocalDate: '2026-03-17',
    });
    const fixed = computeRegisterIndicator(definition('CT_RDV_FIX_4J'), [request], march, '2026-04-30', calendar);
    assert.deepEqual([fixed.numerator, fixed.denominator], [1, 1]);
    const held = computeRegisterIndicator(definition('CT_RDV_10J'), [request], march, '2026-04-30', calendar);
    assert.deepEqual([held.numerator, held.denominator, held.value], [0, 1, 0]);
  });

  it('un trimestre se recalcule sur sa population, jamais en moyennant les taux mensuels', () => {
    const q1 = parsePeriod('2026-Q1');
    assert.ok(q1);
    const cases = [
      mail('2026-01-05', '2026-01-05'),
      mail('2026-02-02', '2026-02-03'),
      mail('2026-02-02', '2026-02-20'),
      mail('2026-03-02', '2026-03-02'),
    ];
    const quarter = computeRegisterIndicator(definition('DI_MAIL_5J'), cases, q1, '2026-05-31', calendar);
    assert.equal(quarter.value, 75);
    const months = monthsOf(q1).map((m) => computeRegisterIndicator(definition('DI_MAIL_5J'), cases, m, '2026-05-31', calendar));
    assert.deepEqual(
      months.map((m) => m.value),
      [100, 50, 100],
    );
    assert.equal(months.reduce((sum, m) => sum + m.numerator, 0) / months.reduce((sum, m) => sum + m.denominator, 0), 0.75);
  });

  it('périmètre : les indicateurs du module 4 seulement quand il y est ; arrondi à 2 décimales', () => {
    assert.equal(registerIndicatorsFor([1]).length, 10);
    assert.equal(registerIndicatorsFor([1, 4]).length, 14);
    assert.equal(round2(200 / 3), 66.67);
    assert.equal(round2(1.005), 1.01);
    assert.equal(parsePeriod('2026-13'), undefined);
    assert.equal(parsePeriod('2026-q2')?.start, '2026-04-01');
    assert.equal(parsePeriod('2026')?.end, '2026-12-31');
  });
});
