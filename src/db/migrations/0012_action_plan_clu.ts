import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Plan d'actions et comité local des usagers : actions (services acteurs, engagements et indicateurs
 * liés, preuves), membres du CLU et leurs organismes, réunions (présences, modèles soumis pour avis,
 * propositions suivies jusqu'à la réunion suivante). Types portables (voir 0001) ; dates civiles en
 * texte `AAAA-MM-JJ`, instants en ISO.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const binary = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('objective', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('abandon_reason', 'text')
    .addColumn('origin_kind', 'text', (c) => c.notNull())
    .addColumn('origin_ref', 'text')
    .addColumn('origin_label', 'text')
    .addColumn('evidence_text', 'text')
    .addColumn('completed_on', 'text')
    .addColumn('reminder_before_sent_at', 'text')
    .addColumn('reminder_after_sent_at', 'text')
    .addColumn('created_by_user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('actions_number', ['organisation_id', 'number'])
    .execute();
  await db.schema.createIndex('actions_by_status').on('actions').columns(['organisation_id', 'status', 'due_date']).execute();

  await db.schema
    .createTable('action_services')
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('action_services_pk', ['action_id', 'service_id'])
    .execute();

  await db.schema
    .createTable('action_links')
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('action_links_pk', ['action_id', 'kind', 'code'])
    .execute();

  await db.schema
    .createTable('action_evidence_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content', binary, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('clu_member_organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('postal_address', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('clu_members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('member_organisation_id', 'text', (c) => c.notNull().references('clu_member_organisations.id').onDelete('cascade'))
    .addColumn('civility', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('function', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('postal_address', 'text')
    .addColumn('removed_at', 'text')
    .addColumn('erased_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('clu_meetings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('chair', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('agenda_json', 'text', (c) => c.notNull())
    .addColumn('invitations_sent_at', 'text')
    .addColumn('minutes_json', 'text')
    .addColumn('minutes_approved_at', 'text')
    .addColumn('minutes_approved_by_name', 'text')
    .addColumn('deck_publication_id', 'text')
    .addColumn('minutes_publication_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('clu_meetings_by_date').on('clu_meetings').columns(['organisation_id', 'starts_at']).execute();

  await db.schema
    .createTable('clu_attendances')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('clu_meetings.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('clu_members.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invitation_channel', 'text')
    .addColumn('invited_at', 'text')
    .addPrimaryKeyConstraint('clu_attendances_pk', ['meeting_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('clu_meeting_templates')
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('clu_meetings.id').onDelete('cascade'))
    .addColumn('template_id', 'text', (c) => c.notNull().references('mail_templates.id').onDelete('cascade'))
    .addColumn('opinion', 'text')
    .addPrimaryKeyConstraint('clu_meeting_templates_pk', ['meeting_id', 'template_id'])
    .execute();

  await db.schema
    .createTable('clu_proposals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('meeting_id', 'text', (c) => c.notNull().references('clu_meetings.id').onDelete('cascade'))
    .addColumn('member_organisation_id', 'text', (c) => c.references('clu_member_organisations.id').onDelete('set null'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('follow_up', 'text')
    .addColumn('action_id', 'text', (c) => c.references('actions.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('clu_proposals_by_meeting').on('clu_proposals').columns(['meeting_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'clu_proposals',
    'clu_meeting_templates',
    'clu_attendances',
    'clu_meetings',
    'clu_members',
    'clu_member_organisations',
    'action_evidence_files',
    'action_links',
    'action_services',
    'actions',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
