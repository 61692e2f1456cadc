import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext, testEngines } from '../../../test/helpers/context.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createCase, recordAppointment, registerIndicatorTable } from '../cases/case.service.ts';
import { importCases } from '../cases/case-import.service.ts';
import { addClosureDay, createOrganisation, updatePerimeter } from '../organisations/organisation.service.ts';
import { nationalRegisterTables } from './national.service.ts';

/** Tirage déterministe propre à chaque organisation : natures, canaux, publics, réponses tardives ou absentes. */
function randomCsv(count: number, seedStart: number): string {
  let seed = seedStart;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const kinds = ['information_request', 'complaint', 'suggestion', 'update_request', 'advice_request', 'thanks'];
  const channels = ['email', 'web_form', 'letter', 'urn', 'phone'];
  const lines = ['reference,kind,channel,received_at,answered_at,service,subject,theme,audience,target'];
  for (let i = 0; i < count; i++) {
    const kind = kinds[Math.floor(random() * kinds.length)] ?? 'complaint';
    const channel = kind === 'update_request' ? 'internal' : (channels[Math.floor(random() * channels.length)] ?? 'email');
    // Décembre 2025 à décembre 2026 : l'année voisine ne doit jamais compter.
    const month = Math.floor(random() * 13);
    const day = 1 + Math.floor(random() * 28);
    const receivedDate = new Date(Date.UTC(2025, 11 + month, day));
    const received =
      random() < 0.2
        ? // Un horodatage UTC tard le soir : la date locale dépend du fuseau du département.
          `${receivedDate.toISOString().slice(0, 10)}T23:30:00Z`
        : receivedDate.toISOString().slice(0, 10);
    const lag = Math.floor(random() * 25);
    const answeredDate = new Date(receivedDate.getTime() + (lag + 1) * 86_400_000).toISOString().slice(0, 10);
    const answered = random() < 0.8 ? answeredDate : '';
    const audience = kind === 'advice_request' || random() < 0.2 ? 'local_authority' : 'public';
    const target = kind === 'update_request' ? (random() < 0.5 ? 'svi' : 'website') : '';
    lines.push(`N-${i},${kind},${channel},${received},${answered},Accueil,,,${audience},${target}`);
  }
  return lines.join('\n');
}

for (const engine of testEngines()) {
  describe(`indicateurs du registre au niveau national (${engine})`, () => {
    let t: TestContext;
    const organisations: { id: string; slug: string }[] = [];

    before(async () => {
      t = await createTestContext(engine);
      const specs = [
        // Puy-de-Dôme, modules 1 et 4, des rendez-vous d'élus et un jour de fermeture.
        { slug: 'puy-de-dome', department: '63', modules: ['1', '4'], appointments: true },
        // Guadeloupe : autre fuseau, autres jours fériés ; module 1 seul.
        { slug: 'guadeloupe', department: '971', modules: ['1'], appointments: false },
        // Moselle : jours fériés d'Alsace-Moselle ; module 4 sans aucune demande de rendez-vous.
        { slug: 'moselle', department: '57', modules: ['1', '4'], appointments: false },
      ];
      for (const [index, spec] of specs.entries()) {
        const organisation = await createOrganisation(
          t.ctx,
          { slug: spec.slug, name: `Préfecture ${spec.slug}`, department: spec.department },
          CLI_ACTOR,
        );
        organisations.push({ id: organisation.id, slug: spec.slug });
        await updatePerimeter(t.ctx, organisation.id, { modules: spec.modules }, CLI_ACTOR);
        await importCases(t.ctx, organisation.id, randomCsv(400, 11 + index * 1000), CLI_ACTOR);
        if (spec.appointments) {
          await addClosureDay(t.ctx, organisation.id, { date: '2026-02-06', reason: 'Fermeture exceptionnelle' }, CLI_ACTOR);
          for (const [received, fixed, held] of [
            ['2026-02-02', '2026-02-05', '2026-02-20'],
            ['2026-02-03', '2026-02-12', null],
            ['2026-03-30', null, null],
          ] as const) {
            const appointment = await createCase(
              t.ctx,
              organisation.id,
              { kind: 'elected_official_appointment', channel: 'letter', audience: 'local_authority', receivedAt: received },
              CLI_ACTOR,
            );
            if (fixed) {
              await recordAppointment(
                t.ctx,
                organisation.id,
                appointment.id,
                held ? { fixedAt: fixed, heldAt: held } : { fixedAt: fixed },
                CLI_ACTOR,
              );
            }
          }
        }
      }
    });
    after(() => t.close());

    it('chaque organisation reçoit exactement son propre tableau de l’année, à plusieurs dates d’arrêté', async () => {
      for (const asOf of ['2026-02-15', '2026-06-30', '2027-01-31']) {
        const national = await nationalRegisterTables(t.ctx, 2026, asOf);
        assert.equal(national.organisations.length, 3);
        assert.equal(national.months.length, 12);
        for (const { id, slug } of organisations) {
          const own = await registerIndicatorTable(t.ctx, id, '2026', asOf);
          const found = national.organisations.find((o) => o.organisationId === id);
          assert.ok(found, slug);
          assert.equal(found.slug, slug);
          assert.deepEqual(found.rows, own.rows, `${slug} au ${asOf}`);
          assert.deepEqual(national.months, own.months);
        }
      }
    });

    it('le module 4 n’apparaît que dans le périmètre qui l’a ; les rendez-vous sont comptés', async () => {
      const national = await nationalRegisterTables(t.ctx, '2026', '2026-12-31');
      const bySlug = new Map(national.organisations.map((o) => [o.slug, o]));
      assert.equal(bySlug.get('guadeloupe')?.rows.length, 10);
      assert.equal(bySlug.get('moselle')?.rows.length, 14);
      const fixedRow = bySlug.get('puy-de-dome')?.rows.find((r) => r.key === 'CT_RDV_FIX_4J');
      assert.equal(fixedRow?.total.denominator, 3);
      assert.equal(bySlug.get('moselle')?.rows.find((r) => r.key === 'CT_RDV_FIX_4J')?.total.status, 'not_applicable');
      const answered = bySlug.get('guadeloupe')?.rows.find((r) => r.key === 'DI_MAIL_5J');
      assert.equal(answered?.total.status, 'measured');
    });

    it('refuse une date d’arrêté qui n’est pas une date civile commune', async () => {
      await assert.rejects(nationalRegisterTables(t.ctx, 2026, '2026-02-30'), { code: 'validation_failed' });
      await assert.rejects(nationalRegisterTables(t.ctx, 2026, '2026-03-01T10:00:00Z'), { code: 'validation_failed' });
      await assert.rejects(nationalRegisterTables(t.ctx, 1999, '2026-03-01'), { code: 'validation_failed' });
    });
  });
}
