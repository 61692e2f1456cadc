import type { AppContext } from '../../shared/context.ts';
import { newId } from '../../shared/ids.ts';
import { DEMO_ACTOR, recordAudit } from '../audit/audit.service.ts';
import { addDays } from '../calendar/civil-date.ts';
import { instantToLocalDate, localMidnightInstant } from '../calendar/local-date.ts';
import { organisationContext } from '../cases/case.service.ts';
import { listServices } from '../organisations/organisation.repository.ts';
import { insertAction, nextActionNumber, replaceActionLinks, replaceActionServices } from './action.repository.ts';
import type { ActionStatus, OriginKind } from './action-status.ts';

/**
 * Plan d'actions de démonstration, tiré des seeds (« 3 actions mises en place » du Puy-de-Dôme, plan de la
 * Seine-Maritime, exemples de l'Allier) : des statuts, origines, services et échéances variés. Les dates
 * sont relatives au jour de création de la démonstration (en jours), comme les dossiers.
 */
const DEMO_ACTIONS: {
  objective: string;
  description: string;
  services: string[];
  originKind: OriginKind;
  originLabel: string;
  status: ActionStatus;
  createdDaysAgo: number;
  dueInDays: number;
  completedDaysAgo?: number;
  abandonReason?: string;
  engagements: string[];
  indicators: string[];
  evidence?: string;
}[] = [
  {
    objective: 'Améliorer l’accueil téléphonique',
    description: 'Ajout des horaires d’ouverture sur le SVI',
    services: ['Standard'],
    originKind: 'mystery_finding',
    originLabel: 'Appels mystères de mai : délais d’attente pour nous joindre, notre point le plus perfectible',
    status: 'done',
    createdDaysAgo: 70,
    dueInDays: -40,
    completedDaysAgo: 45,
    engagements: ['8'],
    indicators: ['SVI_MAJ_3J'],
    evidence: 'Message du serveur vocal mis à jour ; enregistrement écouté et validé par la mission performance.',
  },
  {
    objective: 'Améliorer l’accueil téléphonique',
    description: 'Formation des agents à l’accueil téléphonique (rafraîchissement)',
    services: ['Standard', 'Accueil général'],
    originKind: 'mystery_finding',
    originLabel: 'Appels mystères de mai : réponse adaptée à la situation',
    status: 'done',
    createdDaysAgo: 70,
    dueInDays: -20,
    completedDaysAgo: 25,
    engagements: ['4', '10'],
    indicators: ['TEL_ABOUTIS'],
    evidence: 'Deux sessions d’une demi-journée, 14 agents formés (feuilles d’émargement).',
  },
  {
    objective: 'Rendre nos courriels complets et identifiables',
    description: 'Mise en place de signatures électroniques complètes et permettant l’identification',
    services: ['Mission performance', 'Bureau de la communication interministérielle'],
    originKind: 'mystery_finding',
    originLabel: 'E-mails mystères : signatures incomplètes',
    status: 'done',
    createdDaysAgo: 60,
    dueInDays: -30,
    completedDaysAgo: 32,
    engagements: ['16'],
    indicators: [],
  },
  {
    objective: 'Rendre nos courriels complets et identifiables',
    description: 'Mise en place d’accusés de réception avec informations (délai de réponse annoncé)',
    services: ['Mission performance'],
    originKind: 'mystery_finding',
    originLabel: 'E-mails mystères : 4 messages sans réponse',
    status: 'in_progress',
    createdDaysAgo: 60,
    dueInDays: 3,
    engagements: ['17', '18'],
    indicators: ['DI_MAIL_5J'],
  },
  {
    objective: 'Améliorer la signalétique',
    description:
      'Mise à jour de la signalétique en place (rafraîchissement, indication des points d’écriture et des services disponibles)',
    services: ['Accueil général'],
    originKind: 'survey_criterion',
    originLabel: 'Enquête Accueil physique — démonstration — critère Orientation et prise en charge',
    status: 'todo',
    createdDaysAgo: 30,
    dueInDays: 40,
    engagements: ['5', '6'],
    indicators: [],
  },
  {
    objective: 'Réduire l’attente au guichet le lundi matin',
    description: 'Affichage dans l’accueil et sur le site internet des heures d’affluence',
    services: ['Accueil général', 'Bureau de la communication interministérielle'],
    originKind: 'complaint_theme',
    originLabel: 'Temps d’attente',
    status: 'in_progress',
    createdDaysAgo: 40,
    dueInDays: -5,
    engagements: ['7'],
    indicators: ['WEB_MAJ_3J'],
  },
  {
    objective: 'Améliorer la confidentialité au point d’accès numérique',
    description: 'Étude de la faisabilité d’un espace isolé dans le cadre de la réorganisation générale de l’accueil',
    services: ['Point d’accès numérique'],
    originKind: 'clu_proposal',
    originLabel: 'Proposition de l’association des usagers : un poste à l’écart pour les démarches personnelles',
    status: 'todo',
    createdDaysAgo: 20,
    dueInDays: 120,
    engagements: ['15'],
    indicators: ['PAN_SATISF_CONF'],
  },
  {
    objective: 'Adapter l’accueil aux usagers non francophones',
    description: 'Recensement des agents polyglottes volontaires en cas de besoin',
    services: ['Service des étrangers'],
    originKind: 'audit_finding',
    originLabel: 'Audit interne : pas de solution pour les usagers non francophones',
    status: 'abandoned',
    createdDaysAgo: 50,
    dueInDays: 10,
    abandonReason: 'Remplacé par l’abonnement au service d’interprétariat téléphonique du ministère.',
    engagements: ['2'],
    indicators: [],
  },
];

/** Idempotent : rien n'est ajouté si l'organisation a déjà un plan d'actions. */
export async function ensureDemoActions(ctx: AppContext, organisationId: string): Promise<void> {
  const existing = await ctx.db
    .selectFrom('actions')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .limit(1)
    .execute();
  if (existing.length > 0) return;
  const { department } = await organisationContext(ctx, organisationId);
  const today = instantToLocalDate(ctx.clock.now(), department.timeZone);
  const services = await listServices(ctx.db, organisationId);
  await ctx.db.transaction().execute(async (trx) => {
    for (const demo of DEMO_ACTIONS) {
      const id = newId();
      const number = await nextActionNumber(trx, organisationId);
      // Créée à 9 h, heure locale, il y a `createdDaysAgo` jours : l'échéance ne la précède jamais.
      const created = new Date(
        localMidnightInstant(addDays(today, -demo.createdDaysAgo), department.timeZone).getTime() + 9 * 3_600_000,
      ).toISOString();
      await insertAction(trx, {
        id,
        organisation_id: organisationId,
        number,
        objective: demo.objective,
        description: demo.description,
        due_date: addDays(today, demo.dueInDays),
        status: demo.status,
        abandon_reason: demo.abandonReason ?? null,
        origin_kind: demo.originKind,
        origin_ref: null,
        origin_label: demo.originLabel,
        evidence_text: demo.evidence ?? null,
        completed_on: demo.completedDaysAgo === undefined ? null : addDays(today, -demo.completedDaysAgo),
        reminder_before_sent_at: null,
        reminder_after_sent_at: null,
        created_by_user_id: null,
        created_at: created,
        updated_at: created,
      });
      await replaceActionServices(
        trx,
        id,
        demo.services.map((name) => services.find((s) => s.name === name)?.id).filter((s): s is string => s !== undefined),
      );
      await replaceActionLinks(trx, id, [
        ...demo.engagements.map((code) => ({ kind: 'engagement' as const, code })),
        ...demo.indicators.map((code) => ({ kind: 'indicator' as const, code })),
      ]);
    }
    await recordAudit(trx, ctx.clock, {
      organisationId,
      actor: DEMO_ACTOR,
      action: 'action.demo_created',
      entityType: 'organisation',
      entityId: organisationId,
      summary: `Plan d’actions de démonstration : ${DEMO_ACTIONS.length} actions`,
    });
  });
}
