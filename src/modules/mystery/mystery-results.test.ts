import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GridAnswers, MeasuredEmail } from './mystery-grid.ts';
import { computeResults, generateFindings, type ResultContact, shareText, talliesOf } from './mystery-results.ts';

let sequence = 0;
function call(answers: GridAnswers, status = 'done', target = 'Standard'): ResultContact {
  sequence++;
  return {
    id: `c${sequence}`,
    channel: 'call',
    status,
    date: `2026-03-${String(2 + (sequence % 10)).padStart(2, '0')}`,
    targetLabel: target,
    answers,
    measured: null,
  };
}

function email(answers: GridAnswers, measured: Partial<MeasuredEmail> | null): ResultContact {
  sequence++;
  const base: MeasuredEmail = {
    sentAt: '2026-03-02T09:00:00.000Z',
    acknowledgment: null,
    answer: null,
    reminders: 0,
    reorientation: false,
    signature: null,
    attachments: null,
    links: null,
    messages: 1,
  };
  return {
    id: `e${sequence}`,
    channel: 'email',
    status: 'done',
    date: '2026-03-03',
    targetLabel: 'pref-etrangers',
    answers,
    measured: measured ? { ...base, ...measured } : null,
  };
}

const goodCall: GridAnswers = {
  rings: 3,
  pickup: 'yes',
  greeting: 'yes',
  courtesy: 'yes',
  official_sites: 'yes',
  first_level_info: 'yes',
  transfer_announced: 'na',
  farewell: 'yes',
  ivr: 'na',
};

describe('résultats des enquêtes mystère', () => {
  it('part par critère : « Sans objet » exclu de n, critère jamais évalué sans objet (jamais 0 %)', () => {
    const contacts = [
      call(goodCall),
      call({ ...goodCall, transfer_announced: 'no', rings: 12, pickup: 'no' }),
      call({ ...goodCall, transfer_announced: 'yes' }),
      call({ ...goodCall, greeting: 'no' }),
      call({ rings: 4, greeting: 'no' }, 'planned'),
      call({ ...goodCall }, 'cancelled'),
    ];
    const [calls] = computeResults(['call'], contacts);
    assert.ok(calls);
    assert.equal(calls.planned, 5, 'les annulés ne sont pas prévus');
    assert.equal(calls.done, 4, 'seules les grilles complètes comptent (pas la grille commencée)');
    const byKey = Object.fromEntries(calls.criteria.map((c) => [c.criterion.key, c]));
    assert.deepEqual(byKey.transfer_announced?.tally, { yes: 1, no: 1, na: 2 });
    assert.equal(byKey.transfer_announced?.estimate.n, 2, 'n sans les « Sans objet »');
    assert.equal(byKey.transfer_announced?.estimate.rate, 0.5);
    assert.equal(shareText(byKey.greeting?.estimate ?? assert.fail()), '3 / 4 (75\u00a0%)');
    assert.equal(byKey.ivr?.estimate.status, 'not_applicable');
    assert.equal(byKey.ivr?.estimate.rate, null);
    assert.equal(shareText(byKey.ivr?.estimate ?? assert.fail()), 'Sans objet');
    assert.equal(calls.rings?.average, (3 + 12 + 3 + 3) / 4);
    assert.equal(calls.rings?.overAlert, 1);
    assert.equal(byKey.greeting?.comparison, null, 'pas de campagne précédente');
  });

  it('génère points forts et points de vigilance avec le vocabulaire des seeds', () => {
    const calls = Array.from({ length: 10 }, (_, i) =>
      call({
        ...goodCall,
        rings: i < 2 ? 11 : 4,
        pickup: i < 2 ? 'no' : 'yes',
        transfer_announced: i < 4 ? (i < 3 ? 'no' : 'yes') : 'na',
      }),
    );
    const emails = [
      email(
        { acknowledgment: 'yes', answer_in_time: 'yes', complete_signature: 'yes', language_layout: 'yes' },
        {
          answer: { at: '2026-03-04T10:00:00Z', workingDays: 1, inTime: true },
        },
      ),
      email(
        { acknowledgment: 'yes', answer_in_time: 'no', complete_signature: 'no', language_layout: 'yes' },
        {
          answer: { at: '2026-03-14T10:00:00Z', workingDays: 8, inTime: false },
          reminders: 1,
        },
      ),
      email({ acknowledgment: 'no', answer_in_time: 'no', complete_signature: 'na', language_layout: 'na' }, { reminders: 2 }),
    ];
    const results = computeResults(['call', 'email'], [...calls, ...emails]);
    const mails = results[1]?.emails;
    assert.deepEqual(
      {
        inTime: mails?.inTime,
        late: mails?.late,
        lateAfterReminders: mails?.lateAfterReminders,
        never: mails?.never,
        reminders: mails?.reminders,
      },
      { inTime: 1, late: 1, lateAfterReminders: 1, never: 1, reminders: 3 },
    );
    const findings = generateFindings(results);
    const texts = (kind: string, channel: string) =>
      findings.filter((f) => f.kind === kind && f.channel === channel).map((f) => f.text);
    assert.ok(texts('strength', 'call').includes('Utilisation systématique de la formule d’accueil : 10 / 10 (100\u00a0%).'));
    assert.ok(texts('strength', 'call').includes('L’accueil a été courtois et rassurant : 10 / 10 (100\u00a0%).'));
    assert.ok(
      texts('vigilance', 'call').includes(
        'Les appels ont parfois été pris au-delà de 5 sonneries : 8 / 10 (80\u00a0%), 5,4 sonneries en moyenne.',
      ),
    );
    assert.ok(
      texts('vigilance', 'call').some(
        (t) =>
          t.startsWith('En cas de transfert vers un service « métier », l’agent n’indique pas toujours') &&
          t.includes('1 / 4 (25\u00a0%)'),
      ),
    );
    assert.ok(
      texts('vigilance', 'call').includes('Les appels ont parfois été pris au bout de plus de 10 sonneries : 2 appels sur 10.'),
    );
    assert.ok(texts('vigilance', 'call').includes('Nombre moyen de sonneries avant le décroché : 5,4 (au-delà de 5).'));
    assert.ok(texts('vigilance', 'email').includes('Messages sans réponse : 1 sur 3.'));
    assert.ok(
      texts('vigilance', 'email').includes(
        'Il a été nécessaire de relancer le service pour obtenir une réponse : 2 courriels, 3 relances.',
      ),
    );
    assert.ok(
      texts('vigilance', 'email').some(
        (t) => t.startsWith('La signature électronique est parfois partielle') && t.includes('1 / 2 (50\u00a0%)'),
      ),
    );
    assert.ok(!findings.some((f) => f.criterionKey === 'ivr'), 'SVI sans objet : ni point fort ni vigilance');
    assert.ok(
      findings.every((f) => f.kind === 'strength' || f.criterionKey !== null),
      'chaque vigilance a son critère',
    );
    const firstVigilance = findings.findIndex((f) => f.kind === 'vigilance');
    assert.ok(
      findings.slice(firstVigilance).every((f) => f.kind === 'vigilance'),
      'points forts d’abord',
    );
  });

  it('compare avec la campagne précédente du même canal (test z des enquêtes)', () => {
    const before = computeResults(
      ['call'],
      Array.from({ length: 40 }, (_, i) => call({ ...goodCall, greeting: i < 20 ? 'yes' : 'no' })),
    );
    const previous = talliesOf(before, 'call');
    assert.ok(previous);
    const now = computeResults(
      ['call'],
      Array.from({ length: 40 }, (_, i) => call({ ...goodCall, greeting: i < 38 ? 'yes' : 'no' })),
      { call: { campaignName: 'Automne 2025', tallies: previous } },
    );
    const greeting = now[0]?.criteria.find((c) => c.criterion.key === 'greeting')?.comparison;
    assert.equal(greeting?.status, 'computed');
    assert.ok(greeting?.status === 'computed' && greeting.significant, '50 % → 95 % sur 40 appels : significatif');
    assert.ok(Math.abs((greeting?.difference ?? 0) - 0.45) < 1e-9);
    const courtesy = now[0]?.criteria.find((c) => c.criterion.key === 'courtesy')?.comparison;
    assert.equal(courtesy?.status, 'not_computable', '100 % des deux côtés : pas de variance');
    const ivr = now[0]?.criteria.find((c) => c.criterion.key === 'ivr')?.comparison;
    assert.equal(ivr?.status === 'not_computable' && ivr.reason, 'both_empty');
  });
});
