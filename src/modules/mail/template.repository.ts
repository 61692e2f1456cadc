import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/types.ts';
import type { MailTemplateTable, ServiceSignatureTable, TemplatePurpose } from './mail.table.ts';

export type MailTemplateRow = Selectable<MailTemplateTable>;
export type ServiceSignatureRow = Selectable<ServiceSignatureTable>;

export async function listTemplates(
  db: Executor,
  organisationId: string,
  options: { purpose?: TemplatePurpose; includeArchived?: boolean } = {},
) {
  let query = db.selectFrom('mail_templates').selectAll().where('organisation_id', '=', organisationId);
  if (options.purpose) query = query.where('purpose', '=', options.purpose);
  if (!options.includeArchived) query = query.where('archived_at', 'is', null);
  return query.orderBy('purpose').orderBy('name').orderBy('id').execute();
}

export async function findTemplate(db: Executor, organisationId: string, id: string) {
  return db
    .selectFrom('mail_templates')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Les identifiants, parmi `ids`, qui existent déjà (archivés compris). */
export async function existingTemplateIds(db: Executor, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('mail_templates').select('id').where('id', 'in', ids).execute();
  return rows.map((r) => r.id);
}

/** Insère sans erreur si l'identifiant existe déjà (deux créations simultanées des modèles de départ). */
export async function insertTemplatesIfAbsent(db: Executor, rows: Insertable<MailTemplateTable>[]) {
  for (const row of rows) {
    await db
      .insertInto('mail_templates')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

export async function insertTemplate(db: Executor, row: Insertable<MailTemplateTable>) {
  await db.insertInto('mail_templates').values(row).execute();
}

export async function updateTemplate(db: Executor, organisationId: string, id: string, changes: Updateable<MailTemplateTable>) {
  await db
    .updateTable('mail_templates')
    .set(changes)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

export async function findSignature(db: Executor, organisationId: string, serviceId: string) {
  return db
    .selectFrom('service_signatures')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('service_id', '=', serviceId)
    .executeTakeFirst();
}

export async function listSignatures(db: Executor, organisationId: string) {
  return db.selectFrom('service_signatures').selectAll().where('organisation_id', '=', organisationId).execute();
}

export async function upsertSignature(db: Executor, row: Insertable<ServiceSignatureTable>) {
  await db
    .insertInto('service_signatures')
    .values(row)
    .onConflict((oc) =>
      oc.column('service_id').doUpdateSet({
        service_label: row.service_label,
        postal_address: row.postal_address ?? null,
        phone: row.phone ?? null,
        website: row.website ?? null,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}
