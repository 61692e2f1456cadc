import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarFor } from '../calendar/working-calendar.ts';
import {
  classifyCases,
  digestFor,
  MAX_ITEMS_PER_SECTION,
  type ReminderCase,
  type ReminderRecipient,
  reminderEmail,
} from './reminders.ts';

const calendar = calendarFor('metropole');
const context = {
  today: '2026-04-15',
  publicUrl: 'https://vigie.example.gouv.fr',
  organisationName: 'Préfecture du Puy-de-Dôme',
};

function open(id: string, due: string | null, overrides: Partial<ReminderCase> = {}): ReminderCase {
  return {
    id,
    reference: `2026-${id.padStart(5, '0')}`,
    kind: 'information_request',
    status: 'received',
    subject: `Objet ${id}`,
    service_id: 'accueil',
    service_name: 'Accueil général',
    due_date: due,
    appointment_fixed_due: null,
    appointment_held_due: null,
    appointment_fixed_local_date: null,
    appointment_held_local_date: null,
    ...overrides,
  };
}

const agent: ReminderRecipient = {
  displayName: 'Camille Agent',
  email: 'camille@63.test',
  role: 'agent',
  serviceIds: ['accueil'],
  serviceNames: ['Accueil général'],
};
const referent: ReminderRecipient = {
  ...agent,
  displayName: 'Dominique Référent',
  role: 'admin',
  serviceIds: [],
  serviceNames: [],
};

// Mercredi 15 avril 2026 ; le lundi de Pâques (6 avril) est férié.
const cases = [
  open('1', '2026-04-09'),
  open('2', '2026-04-15'),
  open('3', '2026-04-17'),
  open('4', '2026-04-20'),
  open('5', '2026-04-01', { status: 'answered' }),
  open('6', '2026-04-01', { status: 'closed' }),
  open('7', null, {
    kind: 'elected_official_appointment',
    appointment_fixed_due: '2026-04-10',
    appointment_held_due: '2026-05-10',
    service_id: 'etrangers',
    service_name: 'Service des étrangers',
  }),
  open('8', '2026-04-15', { service_id: 'etrangers', service_name: 'Service des étrangers' }),
  open('9', '2026-04-14', { service_id: null, service_name: null }),
];

describe('rappels quotidiens : tri des dossiers et destinataires', () => {
  it('range les dossiers ouverts comme les badges de la file : en retard, aujourd’hui, ≤ 2 jours ouvrés', () => {
    const buckets = classifyCases(cases, '2026-04-15', calendar);
    assert.deepEqual(
      buckets.overdue.map((i) => [i.case.id, i.due]),
      [
        ['1', '2026-04-09'],
        ['7', '2026-04-10'],
        ['9', '2026-04-14'],
      ],
    );
    assert.deepEqual(
      buckets.today.map((i) => i.case.id),
      ['2', '8'],
    );
    assert.deepEqual(
      buckets.soon.map((i) => i.case.id),
      ['3'],
    );
  });

  it('compte les jours ouvrés par-dessus le week-end', () => {
    // Vendredi 17 avril : mardi 21 est à 2 jours ouvrés (lundi, mardi), mercredi 22 à 3.
    const buckets = classifyCases([open('1', '2026-04-21'), open('2', '2026-04-22')], '2026-04-17', calendar);
    assert.deepEqual(
      buckets.soon.map((i) => i.case.id),
      ['1'],
    );
  });

  it('un agent reçoit les dossiers de ses services ; le référent, les retards de tous les services ; sinon rien', () => {
    const buckets = classifyCases(cases, '2026-04-15', calendar);
    const mine = digestFor(agent, buckets);
    assert.deepEqual(
      [mine?.overdue.map((i) => i.case.id), mine?.today.map((i) => i.case.id), mine?.soon.map((i) => i.case.id)],
      [['1'], ['2'], ['3']],
    );
    const all = digestFor(referent, buckets);
    assert.deepEqual(
      all?.overdue.map((i) => i.case.id),
      ['1', '7', '9'],
    );
    assert.deepEqual([all?.today, all?.soon], [[], []]);
    assert.equal(digestFor({ ...agent, serviceIds: [] }, buckets), null);
    assert.equal(digestFor({ ...agent, serviceIds: ['autre'] }, buckets), null);
    assert.equal(digestFor(referent, classifyCases([open('1', '2026-04-20')], '2026-04-15', calendar)), null);
  });
});

describe('rappels quotidiens : texte du courriel', () => {
  it('écrit un récapitulatif français avec un lien vers chaque dossier et le moyen de l’arrêter', () => {
    const digest = digestFor(agent, classifyCases(cases, '2026-04-15', calendar));
    assert.ok(digest);
    const { subject, body } = reminderEmail(agent, digest, context);
    assert.equal(subject, 'Vigie : 3 dossiers à suivre dont 1 en retard — 15 avril 2026');
    assert.match(body, /^Bonjour Camille Agent,\n/);
    assert.match(body, /vos services \(Accueil général\) .* ce mercredi 15 avril 2026\./);
    assert.match(
      body,
      /EN RETARD \(1\)\n\n- 2026-00001 — Demande d’information — « Objet 1 » — échéance dépassée depuis le 9 avril 2026 — Accueil général\n {2}https:\/\/vigie\.example\.gouv\.fr\/registre\/1\n/,
    );
    assert.match(body, /À TRAITER AUJOURD’HUI \(1\)\n\n- 2026-00002 .* — échéance aujourd’hui — Accueil général/);
    assert.match(body, /ÉCHÉANCE DANS 2 JOURS OUVRÉS AU PLUS \(1\)\n\n- 2026-00003 .* — échéance le 17 avril 2026/);
    assert.match(body, /https:\/\/vigie\.example\.gouv\.fr\/compte#recapitulatif/);
    assert.doesNotMatch(body, /2026-00004|2026-00005|2026-00008/);

    const forReferent = reminderEmail(
      referent,
      digestFor(referent, classifyCases(cases, '2026-04-15', calendar)) ?? digest,
      context,
    );
    assert.equal(forReferent.subject, 'Vigie : 3 dossiers en retard — 15 avril 2026');
    assert.match(forReferent.body, /dossiers en retard de tous les services de la préfecture, ce mercredi 15 avril 2026/);
    assert.match(
      forReferent.body,
      /Demande de rendez-vous \(élu\) — « Objet 7 » — échéance dépassée depuis le 10 avril 2026 — Service des étrangers/,
    );
    assert.doesNotMatch(forReferent.body, /À TRAITER AUJOURD’HUI/);
  });

  it('abrège une longue liste et renvoie au registre', () => {
    const many = Array.from({ length: MAX_ITEMS_PER_SECTION + 7 }, (_, i) => open(String(i + 1), '2026-04-01'));
    const digest = digestFor(referent, classifyCases(many, '2026-04-15', calendar));
    assert.ok(digest);
    const { body } = reminderEmail(referent, digest, context);
    assert.match(body, /EN RETARD \(57\)/);
    assert.equal(body.match(/^- 2026-/gm)?.length, MAX_ITEMS_PER_SECTION);
    assert.match(body, /… et 7 autres dossiers : voir le registre, https:\/\/vigie\.example\.gouv\.fr\/registre\?status=open/);
  });
});
