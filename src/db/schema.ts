import type {
  ApiTokenTable,
  MembershipServiceTable,
  MembershipTable,
  SessionTable,
  UserTable,
} from '../modules/accounts/user.table.ts';
import type {
  ActionEvidenceFileTable,
  ActionLinkTable,
  ActionServiceTable,
  ActionTable,
} from '../modules/actions/action.table.ts';
import type { AuditEventTable } from '../modules/audit/audit.table.ts';
import type { SchoolHolidayDataVersionTable, SchoolHolidayPeriodTable } from '../modules/calendar/school-holiday.table.ts';
import type {
  CaseAttachmentTable,
  CaseEventTable,
  CaseImportTable,
  CaseReferenceCounterTable,
  CaseTable,
  CaseThemeTable,
  ThemeTable,
} from '../modules/cases/case.table.ts';
import type {
  CluAttendanceTable,
  CluMeetingTable,
  CluMeetingTemplateTable,
  CluMemberOrganisationTable,
  CluMemberTable,
  CluProposalTable,
} from '../modules/clu/clu.table.ts';
import type {
  IndicatorImportMappingTable,
  IndicatorPublicationTable,
  IndicatorTargetTable,
  IndicatorValueTable,
  LocalIndicatorTable,
} from '../modules/indicators/indicator.table.ts';
import type { JobRunnerLeaseTable, JobTable } from '../modules/jobs/job.table.ts';
import type {
  InboundMessageTable,
  MailboxTable,
  MailTemplateTable,
  OutgoingMailTable,
  ServiceSignatureTable,
} from '../modules/mail/mail.table.ts';
import type {
  MysteryCampaignTable,
  MysteryContactTable,
  MysteryEvaluatorTable,
  MysteryMessageTable,
  MysteryScenarioTable,
  MysteryTargetTable,
} from '../modules/mystery/mystery.table.ts';
import type {
  ClosureDayTable,
  OrganisationModuleTable,
  OrganisationTable,
  ServiceTable,
  SiteTable,
} from '../modules/organisations/organisation.table.ts';
import type {
  RefCriterionTable,
  RefEngagementTable,
  ReferentielVersionTable,
  RefIndicatorTable,
  RefModuleTable,
} from '../modules/referentiel/referentiel.table.ts';
import type { SurveyFormCheckAnswerTable, SurveyFormCheckTable } from '../modules/surveys/double-entry.table.ts';
import type { KioskDeviceTable, KioskPairingCodeTable } from '../modules/surveys/kiosk.table.ts';
import type {
  SurveyAnswerTable,
  SurveyCampaignTable,
  SurveyCollectionPointTable,
  SurveyQuestionnaireTable,
  SurveyResponseTable,
} from '../modules/surveys/survey.table.ts';

/** Toutes les tables, telles que Kysely les voit ; chaque module déclare les siennes. */
export interface Database {
  organisations: OrganisationTable;
  sites: SiteTable;
  services: ServiceTable;
  closure_days: ClosureDayTable;
  organisation_modules: OrganisationModuleTable;
  users: UserTable;
  memberships: MembershipTable;
  membership_services: MembershipServiceTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  audit_events: AuditEventTable;
  jobs: JobTable;
  job_runner_leases: JobRunnerLeaseTable;
  referentiel_versions: ReferentielVersionTable;
  ref_modules: RefModuleTable;
  ref_engagements: RefEngagementTable;
  ref_criteria: RefCriterionTable;
  ref_indicators: RefIndicatorTable;
  school_holiday_periods: SchoolHolidayPeriodTable;
  school_holiday_data_versions: SchoolHolidayDataVersionTable;
  cases: CaseTable;
  themes: ThemeTable;
  case_themes: CaseThemeTable;
  case_events: CaseEventTable;
  case_attachments: CaseAttachmentTable;
  case_reference_counters: CaseReferenceCounterTable;
  case_imports: CaseImportTable;
  mailboxes: MailboxTable;
  inbound_messages: InboundMessageTable;
  outgoing_mails: OutgoingMailTable;
  mail_templates: MailTemplateTable;
  service_signatures: ServiceSignatureTable;
  survey_questionnaires: SurveyQuestionnaireTable;
  survey_campaigns: SurveyCampaignTable;
  survey_collection_points: SurveyCollectionPointTable;
  survey_responses: SurveyResponseTable;
  survey_answers: SurveyAnswerTable;
  kiosk_pairing_codes: KioskPairingCodeTable;
  kiosk_devices: KioskDeviceTable;
  survey_form_checks: SurveyFormCheckTable;
  survey_form_check_answers: SurveyFormCheckAnswerTable;
  local_indicators: LocalIndicatorTable;
  indicator_targets: IndicatorTargetTable;
  indicator_values: IndicatorValueTable;
  indicator_import_mappings: IndicatorImportMappingTable;
  indicator_publications: IndicatorPublicationTable;
  actions: ActionTable;
  action_services: ActionServiceTable;
  action_links: ActionLinkTable;
  action_evidence_files: ActionEvidenceFileTable;
  clu_member_organisations: CluMemberOrganisationTable;
  clu_members: CluMemberTable;
  clu_meetings: CluMeetingTable;
  clu_attendances: CluAttendanceTable;
  clu_meeting_templates: CluMeetingTemplateTable;
  clu_proposals: CluProposalTable;
  mystery_scenarios: MysteryScenarioTable;
  mystery_campaigns: MysteryCampaignTable;
  mystery_targets: MysteryTargetTable;
  mystery_evaluators: MysteryEvaluatorTable;
  mystery_contacts: MysteryContactTable;
  mystery_messages: MysteryMessageTable;
}
