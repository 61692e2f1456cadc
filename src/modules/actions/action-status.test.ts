import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarFor } from '../calendar/working-calendar.ts';
import {
  addMonths,
  defaultDueDate,
  doneByOrigin,
  doneCountText,
  groupByDueMonth,
  isOverdue,
  reminderToSend,
} from './action-status.ts';

const metropole = calendarFor('metropole');

describe('plan d’actions : domaine', () => {
  it('ajoute des mois en ramenant au dernier jour du mois', () => {
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2028-01-31', 1), '2028-02-29');
    assert.equal(addMonths('2026-11-15', 3), '2027-02-15');
  });

  it('échéance d’une action créée en un clic : dans 3 mois, reportée au jour ouvré suivant', () => {
    assert.equal(defaultDueDate('2026-04-02', metropole), '2026-07-02');
    // 14 juillet (férié, mardi) → mercredi 15 ; 11 juillet 2026 est un samedi → lundi 13.
    assert.equal(defaultDueDate('2026-04-14', metropole), '2026-07-15');
    assert.equal(defaultDueDate('2026-04-11', metropole), '2026-07-13');
  });

  it('retard : seulement une action ouverte dont l’échéance est passée', () => {
    assert.equal(isOverdue({ status: 'todo', due_date: '2026-04-01' }, '2026-04-02'), true);
    assert.equal(isOverdue({ status: 'in_progress', due_date: '2026-04-02' }, '2026-04-02'), false);
    assert.equal(isOverdue({ status: 'done', due_date: '2026-01-01' }, '2026-04-02'), false);
    assert.equal(isOverdue({ status: 'abandoned', due_date: '2026-01-01' }, '2026-04-02'), false);
  });

  it('rappels : « avant » dans les 5 jours ouvrés (fériés exclus), « après » une fois l’échéance passée, chacun une fois', () => {
    const fresh = { status: 'todo', reminder_before_sent_at: null, reminder_after_sent_at: null };
    // Jeudi 2 avril 2026 : vendredi 3, (lundi de Pâques 6 férié), 7, 8, 9, 10 → fenêtre jusqu'au 10.
    assert.equal(reminderToSend({ ...fresh, due_date: '2026-04-10' }, '2026-04-02', metropole), 'before');
    assert.equal(reminderToSend({ ...fresh, due_date: '2026-04-13' }, '2026-04-02', metropole), null);
    assert.equal(reminderToSend({ ...fresh, due_date: '2026-04-01' }, '2026-04-02', metropole), 'after');
    const sent = { ...fresh, reminder_before_sent_at: '2026-04-02T08:00:00.000Z' };
    assert.equal(reminderToSend({ ...sent, due_date: '2026-04-03' }, '2026-04-02', metropole), null);
    assert.equal(reminderToSend({ ...sent, due_date: '2026-04-03' }, '2026-04-07', metropole), 'after');
    assert.equal(
      reminderToSend(
        { ...sent, reminder_after_sent_at: '2026-04-07T08:00:00.000Z', due_date: '2026-04-03' },
        '2026-04-08',
        metropole,
      ),
      null,
    );
    assert.equal(reminderToSend({ ...fresh, status: 'done', due_date: '2026-04-01' }, '2026-04-02', metropole), null);
  });

  it('« N actions mises en place » par origine, dans la période, avec leurs intitulés', () => {
    const actions = [
      {
        number: 1,
        status: 'done',
        completed_on: '2026-05-10',
        origin_kind: 'mystery_finding',
        description: 'Horaires sur le SVI',
      },
      {
        number: 2,
        status: 'done',
        completed_on: '2026-05-02',
        origin_kind: 'mystery_finding',
        description: 'Annonce qualité sur le SVI',
      },
      {
        number: 3,
        status: 'done',
        completed_on: '2026-06-01',
        origin_kind: 'mystery_finding',
        description: 'Formation accueil téléphonique',
      },
      { number: 4, status: 'done', completed_on: '2025-12-31', origin_kind: 'mystery_finding', description: 'Hors période' },
      { number: 5, status: 'in_progress', completed_on: null, origin_kind: 'survey_criterion', description: 'En cours' },
      { number: 6, status: 'done', completed_on: '2026-03-01', origin_kind: 'clu_proposal', description: 'Boîte à suggestions' },
    ];
    assert.deepEqual(doneByOrigin(actions, '2026-01-01', '2026-06-30'), [
      {
        originKind: 'mystery_finding',
        originLabel: 'Constat d’enquête mystère',
        done: 3,
        titles: ['Annonce qualité sur le SVI', 'Horaires sur le SVI', 'Formation accueil téléphonique'],
      },
      { originKind: 'clu_proposal', originLabel: 'Proposition du CLU', done: 1, titles: ['Boîte à suggestions'] },
    ]);
    assert.equal(doneCountText(3), '3 actions mises en place');
    assert.equal(doneCountText(1), '1 action mise en place');
  });

  it('regroupe par mois d’échéance, dans l’ordre', () => {
    const groups = groupByDueMonth([{ due_date: '2026-06-02' }, { due_date: '2026-04-30' }, { due_date: '2026-04-01' }]);
    assert.deepEqual(
      groups.map((g) => [g.month, g.label, g.actions.length]),
      [
        ['2026-04', 'avril 2026', 2],
        ['2026-06', 'juin 2026', 1],
      ],
    );
  });
});
