export interface ReferentielVersionTable {
  key: string;
  name: string;
  short_name: string;
  version: string;
  issuer: string;
  data_hash: string;
  loaded_at: string;
}

export interface RefModuleTable {
  number: number;
  title: string;
  /** `always`, `if_cert` (obligatoire quand la préfecture a un CERT) ou `optional`. */
  mandatory: 'always' | 'if_cert' | 'optional';
  scope: string | null;
  sources_json: string;
}

export interface RefEngagementTable {
  number: number;
  module_number: number;
  text: string;
  category: string | null;
  source: string | null;
}

export interface RefCriterionTable {
  number: string;
  engagement_number: number;
  text: string;
}

export interface RefIndicatorTable {
  key: string;
  code: string | null;
  label: string;
  module_number: number;
  engagements_json: string;
  unit: string;
  direction: string;
  period: string;
  source: string;
  formula: string | null;
  position: number;
}
