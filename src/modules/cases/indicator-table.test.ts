import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { addClosureDay, createOrganisation, updatePerimeter } from '../organisations/organisation.service.ts';
import {
  caseDetail,
  createCase,
  recomputeAnswerDelays,
  recordAppointment,
  registerIndicators,
  registerIndicatorTable,
} from './case.service.ts';
import { importCases } from './case-import.service.ts';
import { monthsOf, parsePeriod } from './period.ts';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Tirage déterministe : des réponses en semaine, le week-end, en retard, après la date d'arrêté, absentes. */
function randomCsv(count: number): string {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const kinds = ['information_request', 'complaint', 'suggestion', 'update_request', 'advice_request'];
  const channels = ['email', 'web_form', 'letter', 'urn', 'phone'];
  const lines = ['reference,kind,channel,received_at,answered_at,service,subject,theme,audience,target'];
  for (let i = 0; i < count; i++) {
    const kind = kinds[Math.floor(random() * kinds.length)] ?? 'complaint';
    const channel = kind === 'update_request' ? 'internal' : (channels[Math.floor(random() * channels.length)] ?? 'email');
    const month = 1 + Math.floor(random() * 6);
    const day = 1 + Math.floor(random() * 28);
    const received = `2026-${pad(month)}-${pad(day)}`;
    const lag = Math.floor(random() * 25);
    const answeredDate = new Date(Date.UTC(2026, month - 1, day + lag)).toISOString().slice(0, 10);
    const answered = random() < 0.8 ? answeredDate : '';
    const audience = random() < 0.3 ? 'local_authority' : 'public';
    const target = kind === 'update_request' ? (random() < 0.5 ? 'svi' : 'website') : '';
    lines.push(`T-${i},${kind},${channel},${received},${answered},Accueil,,,${audience},${target}`);
  }
  return lines.join('\n');
}

for (const engine of testEngines()) {
  describe(`tableau des indicateurs agrégé en SQL (${engine})`, () => {
    let t: TestContext;
    let organisationId: string;
    before(async () => {
      t = await createTestContext(engine);
      organisationId = (await createOrganisation(t.ctx, { slug: 'table', name: 'Préfecture', department: '57' }, CLI_ACTOR)).id;
      await updatePerimeter(t.ctx, organisationId, { modules: ['1', '4'] }, CLI_ACTOR);
      await importCases(t.ctx, organisationId, randomCsv(600), CLI_ACTOR);
      const appointment = await createCase(
        t.ctx,
        organisationId,
        { kind: 'elected_official_appointment', channel: 'letter', audience: 'local_authority', receivedAt: '2026-02-02' },
        CLI_ACTOR,
      );
      await recordAppointment(t.ctx, organisationId, appointment.id, { fixedAt: '2026-02-05', heldAt: '2026-02-20' }, CLI_ACTOR);
    });
    after(() => t.close());

    it('donne, mois par mois et pour le semestre, exactement les valeurs du calcul dossier par dossier', async () => {
      for (const asOf of ['2026-03-15', '2026-06-30', '2026-09-30']) {
        const table = await registerIndicatorTable(t.ctx, organisationId, '2026-Q1', asOf);
        const periods = [...monthsOf(table.period), table.period];
        for (const row of table.rows) {
          const values = [...row.months, row.total];
          for (let i = 0; i < periods.length; i++) {
            const period = periods[i];
            assert.ok(period);
            const [exact] = (await registerIndicators(t.ctx, organisationId, period.key, asOf)).filter((r) => r.key === row.key);
            assert.ok(exact);
            const { cases, label, period: _p, asOf: _a, ...expected } = exact;
            assert.deepEqual(
              { ...values[i] },
              { ...expected, pending: cases.pending.length },
              `${row.key} ${period.key} au ${asOf}`,
            );
          }
        }
      }
      const table = await registerIndicatorTable(t.ctx, organisationId, '2026', '2026-12-31');
      assert.equal(table.months.length, 12);
      assert.equal(table.rows.length, 14);
      assert.equal(parsePeriod('2026')?.end, table.period.end);
      const [imported] = await t.ctx.db.selectFrom('cases').select('id').where('reference', '=', 'T-1').execute();
      assert.ok(imported);
      const detail = await caseDetail(t.ctx, organisationId, imported.id);
      assert.equal(detail.events[0]?.summary, 'Importé');
    });

    it('un jour de fermeture ajouté après coup recalcule les délais des réponses qu’il enjambe', async () => {
      const before = (await registerIndicators(t.ctx, organisationId, '2026-03', '2026-09-30')).find(
        (r) => r.key === 'DI_MAIL_DELAI',
      );
      await addClosureDay(t.ctx, organisationId, { date: '2026-03-18', reason: 'Fermeture exceptionnelle' }, CLI_ACTOR);
      const changed = await recomputeAnswerDelays(t.ctx, organisationId, '2026-03-18');
      assert.ok(changed > 0);
      const after = (await registerIndicators(t.ctx, organisationId, '2026-03', '2026-09-30')).find(
        (r) => r.key === 'DI_MAIL_DELAI',
      );
      assert.ok(before && after);
      assert.ok((after.numerator ?? 0) < (before.numerator ?? 0));
      const table = await registerIndicatorTable(t.ctx, organisationId, '2026-03', '2026-09-30');
      assert.equal(table.rows.find((r) => r.key === 'DI_MAIL_DELAI')?.total.numerator, after.numerator);
    });
  });
}
