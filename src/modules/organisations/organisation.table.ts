export interface OrganisationTable {
  id: string;
  slug: string;
  name: string;
  department_code: string;
  has_cert: number;
  is_demo: number;
  created_at: string;
  updated_at: string;
}

export type SiteKind = 'prefecture' | 'sous_prefecture' | 'other';

export interface SiteTable {
  id: string;
  organisation_id: string;
  name: string;
  kind: SiteKind;
  city: string | null;
  created_at: string;
}

export interface ServiceTable {
  id: string;
  organisation_id: string;
  site_id: string | null;
  name: string;
  mailbox_address: string | null;
  created_at: string;
}

export interface ClosureDayTable {
  id: string;
  organisation_id: string;
  date: string;
  reason: string;
  created_at: string;
}

export interface OrganisationModuleTable {
  organisation_id: string;
  module_number: number;
}
