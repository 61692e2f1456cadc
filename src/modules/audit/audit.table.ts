export interface AuditEventTable {
  id: string;
  organisation_id: string | null;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  summary: string | null;
  before_json: string | null;
  after_json: string | null;
  occurred_at: string;
  personal_data_erased_at: string | null;
}
