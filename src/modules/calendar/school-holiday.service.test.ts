import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestContext, type TestContext, tableCount, testEngines } from '../../../test/helpers/context.ts';
import { listAuditEvents, listEntityEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createOrganisation } from '../organisations/organisation.service.ts';
import { countSchoolHolidayPeriods, findSchoolHolidayDataVersion } from './school-holiday.repository.ts';
import {
  addSchoolHolidayPeriod,
  deleteSchoolHolidayPeriod,
  ensureSchoolHolidays,
  importSchoolHolidays,
  listSchoolHolidays,
  organisationSchoolZone,
  previewSchoolHolidayImport,
  SCHOOL_HOLIDAYS_DATA_KEY,
  SchoolHolidayImportError,
  schoolHolidayCoverage,
} from './school-holiday.service.ts';

const HEADER = 'annee_scolaire;zone;nom;debut;fin';
/** Zone A, 2028-2029 : une année que Vigie ne livre pas (dates de test, jamais chargées comme données). */
const GOOD_2028 = [
  HEADER,
  '2028-2029;A;Toussaint;2028-10-21;2028-11-06',
  '2028-2029;A;Noël;2028-12-23;2029-01-08',
  '2028-2029;A;Hiver;2029-02-10;2029-02-26',
].join('\n');

for (const engine of testEngines()) {
  describe(`vacances scolaires (${engine})`, () => {
    let t: TestContext;
    let zoneA: string; // Puy-de-Dôme, zone A
    let zoneC: string; // Paris, zone C
    before(async () => {
      t = await createTestContext(engine);
      zoneA = (
        await createOrganisation(t.ctx, { slug: 'puy-de-dome', name: 'Préfecture du Puy-de-Dôme', department: '63' }, CLI_ACTOR)
      ).id;
      zoneC = (await createOrganisation(t.ctx, { slug: 'paris', name: 'Préfecture de Paris', department: '75' }, CLI_ACTOR)).id;
    });
    after(() => t.close());

    it('charge les 124 périodes livrées une fois, puis ne recharge que si le fichier change', async () => {
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, null), 124);
      const version = await findSchoolHolidayDataVersion(t.ctx.db, SCHOOL_HOLIDAYS_DATA_KEY);
      assert.match(version?.data_hash ?? '', /^[0-9a-f]{64}$/);
      assert.equal(await ensureSchoolHolidays(t.ctx), 'up_to_date');
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, null), 124);
      // Une autre empreinte (fichier mis à jour) : les données livrées sont remplacées, pas doublées.
      await t.ctx.db.updateTable('school_holiday_data_versions').set({ data_hash: 'ancienne' }).execute();
      assert.equal(await ensureSchoolHolidays(t.ctx), 'loaded');
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, null), 124);
      assert.equal(await ensureSchoolHolidays(t.ctx), 'up_to_date');
    });

    it('donne la zone du département et la couverture de chaque année', async () => {
      assert.equal(await organisationSchoolZone(t.ctx, zoneA), 'A');
      assert.equal(await organisationSchoolZone(t.ctx, zoneC), 'C');
      const rows = await schoolHolidayCoverage(t.ctx, zoneA, 'A', '2024-2025', '2028-2029');
      assert.deepEqual(
        rows.map((r) => [r.schoolYear, r.status]),
        [
          ['2024-2025', 'complete'],
          ['2025-2026', 'complete'],
          ['2026-2027', 'complete'],
          ['2027-2028', 'partial'],
          ['2028-2029', 'missing'],
        ],
      );
      const corse = await schoolHolidayCoverage(t.ctx, zoneA, 'Corse', '2026-2027', '2026-2027');
      assert.equal(corse[0]?.status, 'missing');
    });

    it('ajoute une période propre avec un événement d’audit, et la supprime avec un autre', async () => {
      const auditBefore = await tableCount(t.ctx, 'audit_events');
      const period = await addSchoolHolidayPeriod(
        t.ctx,
        zoneA,
        { schoolYear: '2027-2028', name: 'Été', startDate: '2028-07-08', endDate: '2028-09-01', source: 'Saisie de test' },
        CLI_ACTOR,
      );
      assert.equal(period.zone, 'A');
      assert.equal(period.shipped, false);
      const list = await listSchoolHolidays(t.ctx, zoneA, 'A');
      assert.equal(list.filter((p) => !p.shipped).length, 1);
      assert.equal(list.length, 24);
      // L'autre préfecture de la zone A ne voit pas cette saisie ; la couverture 2027-2028 de zoneA est complète.
      assert.equal((await schoolHolidayCoverage(t.ctx, zoneA, 'A', '2027-2028', '2027-2028'))[0]?.status, 'complete');
      const events = await listEntityEvents(t.ctx.db, 'school_holiday_period', period.id);
      assert.deepEqual(
        events.map((e) => e.action),
        ['school_holiday_period.created'],
      );
      assert.equal(await tableCount(t.ctx, 'audit_events'), auditBefore + 1);

      await deleteSchoolHolidayPeriod(t.ctx, zoneA, period.id, CLI_ACTOR);
      assert.equal((await listSchoolHolidays(t.ctx, zoneA, 'A')).length, 23);
      assert.deepEqual(
        (await listEntityEvents(t.ctx.db, 'school_holiday_period', period.id)).map((e) => e.action),
        ['school_holiday_period.created', 'school_holiday_period.deleted'],
      );
    });

    it('refuse une saisie invalide ou qui chevauche une période connue, sans rien écrire', async () => {
      const before = await countSchoolHolidayPeriods(t.ctx.db, zoneA);
      const auditBefore = await tableCount(t.ctx, 'audit_events');
      await assert.rejects(
        addSchoolHolidayPeriod(
          t.ctx,
          zoneA,
          { schoolYear: '2027-2028', name: 'Pont', startDate: '2027-12-24', endDate: '2027-12-28' },
          CLI_ACTOR,
        ),
        (error: Error & { code?: string; fields?: Record<string, string> }) => {
          assert.equal(error.code, 'validation_failed');
          assert.match(error.message, /chevauche une période déjà enregistrée pour la zone A/);
          assert.match(error.fields?.startDate ?? '', /« Noël » \(2027-12-18 → 2028-01-03\), données livrées/);
          return true;
        },
      );
      await assert.rejects(
        addSchoolHolidayPeriod(t.ctx, zoneA, { schoolYear: '2028', name: '', startDate: '2028-02-30', endDate: '' }, CLI_ACTOR),
        (error: Error & { fields?: Record<string, string> }) => {
          assert.match(error.fields?.schoolYear ?? '', /^Année scolaire : deux années qui se suivent/);
          assert.match(error.fields?.name ?? '', /^Nom de la période : champ obligatoire/);
          assert.match(error.fields?.startDate ?? '', /^Premier jour de vacances : date impossible/);
          assert.match(error.fields?.endDate ?? '', /^Jour de reprise des cours : champ obligatoire/);
          return true;
        },
      );
      await assert.rejects(
        addSchoolHolidayPeriod(
          t.ctx,
          zoneA,
          { schoolYear: '2028-2029', name: 'Toussaint', startDate: '2028-10-21', endDate: '2028-10-21' },
          CLI_ACTOR,
        ),
        (error: Error & { fields?: Record<string, string> }) => {
          assert.match(error.fields?.endDate ?? '', /il doit suivre le premier jour de vacances/);
          return true;
        },
      );
      await assert.rejects(
        addSchoolHolidayPeriod(
          t.ctx,
          zoneA,
          { schoolYear: '2027-2028', name: 'Toussaint', startDate: '2028-10-21', endDate: '2028-11-06' },
          CLI_ACTOR,
        ),
        (error: Error & { fields?: Record<string, string> }) => {
          assert.match(error.fields?.schoolYear ?? '', /appartient à l’année scolaire 2028-2029/);
          return true;
        },
      );
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, zoneA), before);
      assert.equal(await tableCount(t.ctx, 'audit_events'), auditBefore);
    });

    it('ne supprime ni les données livrées ni la période d’une autre préfecture', async () => {
      const own = await addSchoolHolidayPeriod(
        t.ctx,
        zoneC,
        { schoolYear: '2028-2029', name: 'Toussaint', startDate: '2028-10-21', endDate: '2028-11-06' },
        CLI_ACTOR,
      );
      await assert.rejects(deleteSchoolHolidayPeriod(t.ctx, zoneA, own.id, CLI_ACTOR), { code: 'not_found' });
      await assert.rejects(deleteSchoolHolidayPeriod(t.ctx, zoneA, 'inconnu', CLI_ACTOR), { code: 'not_found' });
      const shipped = (await listSchoolHolidays(t.ctx, zoneA, 'A')).find((p) => p.shipped);
      assert.ok(shipped);
      await assert.rejects(deleteSchoolHolidayPeriod(t.ctx, zoneA, shipped.id, CLI_ACTOR), { code: 'forbidden' });
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, null), 124);
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, zoneC), 1);
      // Les saisies des préfectures survivent à un rechargement des données livrées.
      await t.ctx.db.updateTable('school_holiday_data_versions').set({ data_hash: 'ancienne' }).execute();
      await ensureSchoolHolidays(t.ctx);
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, zoneC), 1);
      await deleteSchoolHolidayPeriod(t.ctx, zoneC, own.id, CLI_ACTOR);
    });

    it('importe tout ou rien : une seule ligne fautive et rien n’est écrit', async () => {
      const before = await countSchoolHolidayPeriods(t.ctx.db, zoneA);
      const auditBefore = await tableCount(t.ctx, 'audit_events');
      const bad = `${GOOD_2028}\n2028-2029;A;Printemps;2029-04-07;2029-02-30\n`;
      const preview = await previewSchoolHolidayImport(t.ctx, zoneA, bad);
      assert.equal(preview.rows.length, 3);
      assert.deepEqual(
        preview.errors.map((e) => e.line),
        [5],
      );
      await assert.rejects(importSchoolHolidays(t.ctx, zoneA, bad, CLI_ACTOR), (error: unknown) => {
        assert.ok(error instanceof SchoolHolidayImportError);
        assert.equal(error.code, 'validation_failed');
        assert.match(error.message, /Import refusé : 1 erreur, aucune période n’a été enregistrée/);
        assert.deepEqual(
          error.lineErrors.map((e) => e.line),
          [5],
        );
        return true;
      });
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, zoneA), before);
      assert.equal(await tableCount(t.ctx, 'audit_events'), auditBefore);
    });

    it('la prévisualisation refuse les autres zones et ce que Vigie connaît déjà', async () => {
      const sample = readFileSync(new URL('../../../docs/formats/vacances-scolaires-exemple.csv', import.meta.url), 'utf8');
      const preview = await previewSchoolHolidayImport(t.ctx, zoneA, sample);
      assert.deepEqual(preview.rows, []);
      assert.equal(preview.errors.length, 5);
      assert.equal(preview.errors[1]?.message, 'Déjà enregistrée : « Noël » (2027-12-18 → 2028-01-03), données livrées.');
      const other = await previewSchoolHolidayImport(t.ctx, zoneC, GOOD_2028);
      assert.deepEqual(
        other.errors.map((e) => [e.line, e.message]),
        [2, 3, 4].map((line) => [line, 'Zone A : votre préfecture est en zone C, seules ses périodes peuvent être importées.']),
      );
      const overlapping = await previewSchoolHolidayImport(t.ctx, zoneA, `${HEADER}\n2027-2028;A;Pont;2027-12-24;2027-12-28`);
      assert.match(
        overlapping.errors[0]?.message ?? '',
        /^Chevauche « Noël » \(2027-12-18 → 2028-01-03\), déjà enregistrée \(données livrées\)\.$/,
      );
      await assert.rejects(
        previewSchoolHolidayImport(t.ctx, zoneA, '   '),
        (error: Error & { fields?: Record<string, string> }) => {
          assert.match(error.fields?.csv ?? '', /^Texte CSV : collez/);
          return true;
        },
      );
    });

    it('un import réussi écrit toutes les lignes et un seul événement d’audit', async () => {
      t.clock.advance(60_000); // l'événement de l'import est le plus récent du journal
      const auditBefore = await tableCount(t.ctx, 'audit_events');
      assert.equal(await importSchoolHolidays(t.ctx, zoneA, GOOD_2028, CLI_ACTOR), 3);
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, zoneA), 3);
      assert.equal(await tableCount(t.ctx, 'audit_events'), auditBefore + 1);
      const [event] = await listAuditEvents(t.ctx.db, zoneA, 1, 0);
      assert.equal(event?.action, 'school_holiday_period.imported');
      assert.equal(event?.summary, 'Import de 3 périodes de vacances scolaires (zone A)');
      assert.equal((JSON.parse(event?.after_json ?? '{}') as { count: number }).count, 3);
      const coverage = await schoolHolidayCoverage(t.ctx, zoneA, 'A', '2028-2029', '2028-2029');
      assert.equal(coverage[0]?.status, 'partial');
      assert.deepEqual(coverage[0]?.missing, ['Printemps', 'Été']);
      // Le même texte une seconde fois : tout est déjà là, rien n'est écrit.
      await assert.rejects(importSchoolHolidays(t.ctx, zoneA, GOOD_2028, CLI_ACTOR), SchoolHolidayImportError);
      assert.equal(await countSchoolHolidayPeriods(t.ctx.db, zoneA), 3);
      const rows = await sql<{
        n: number | string;
      }>`select count(*) as n from school_holiday_periods where organisation_id = ${zoneA} and source is null`.execute(t.ctx.db);
      assert.equal(Number(rows.rows[0]?.n), 3);
    });
  });
}
