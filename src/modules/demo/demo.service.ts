import type { AppContext } from '../../shared/context.ts';
import { findUserByEmail } from '../accounts/account.repository.ts';
import { createAccount } from '../accounts/account.service.ts';
import type { Role } from '../accounts/roles.ts';
import { ensureDemoActions } from '../actions/action-demo.service.ts';
import { DEMO_ACTOR, recordAudit } from '../audit/audit.service.ts';
import { addDays } from '../calendar/civil-date.ts';
import { instantToLocalDate } from '../calendar/local-date.ts';
import { createCase, organisationContext, recordAnswer } from '../cases/case.service.ts';
import { ensureDemoClu } from '../clu/clu-demo.ts';
import { recordValue, setTarget } from '../indicators/indicator.service.ts';
import { publishPoster, publishTable } from '../indicators/publication.service.ts';
import { queueAcknowledgment } from '../mail/correspondence.service.ts';
import { listSignatures } from '../mail/template.repository.ts';
import { ensureDefaultTemplates, saveSignature } from '../mail/template.service.ts';
import { ensureDemoMystery } from '../mystery/mystery-demo.ts';
import { findOrganisationBySlug, findServiceByName, listServices, listSites } from '../organisations/organisation.repository.ts';
import { addService, addSite, createOrganisation, markAsDemo, updatePerimeter } from '../organisations/organisation.service.ts';
import { addCollectionPoint, createCampaign } from '../surveys/campaign.service.ts';
import { copyTemplate } from '../surveys/questionnaire.service.ts';
import { submitResponse } from '../surveys/response.service.ts';

export const DEMO_SLUG = 'demo';
/** Mot de passe commun des comptes de démonstration : affiché au démarrage, jamais utilisé en production. */
export const DEMO_PASSWORD = 'Demo-Vigie-2026';

export const DEMO_ACCOUNTS: { email: string; displayName: string; role: Role; services?: string[] }[] = [
  { email: 'referent@demo.vigie.test', displayName: 'Claire Référente (démo)', role: 'admin' },
  {
    email: 'agent.accueil@demo.vigie.test',
    displayName: 'Paul Agent (démo)',
    role: 'agent',
    services: ['Accueil général', 'Point d’accès numérique'],
  },
  {
    email: 'agent.etrangers@demo.vigie.test',
    displayName: 'Samia Agente (démo)',
    role: 'agent',
    services: ['Service des étrangers'],
  },
  { email: 'membre.clu@demo.vigie.test', displayName: 'Association des usagers (démo)', role: 'clu_member' },
  { email: 'auditeur@demo.vigie.test', displayName: 'Auditeur interne (démo)', role: 'auditor' },
  { email: 'national@demo.vigie.test', displayName: 'Ministère (démo)', role: 'national' },
];

const DEMO_SITES = [
  { name: 'Sous-préfecture d’Ambert', kind: 'sous_prefecture', city: 'Ambert' },
  { name: 'Sous-préfecture d’Issoire', kind: 'sous_prefecture', city: 'Issoire' },
  { name: 'Sous-préfecture de Riom', kind: 'sous_prefecture', city: 'Riom' },
  { name: 'Sous-préfecture de Thiers', kind: 'sous_prefecture', city: 'Thiers' },
] as const;

const DEMO_SERVICES = [
  { name: 'Accueil général', mailboxAddress: 'pref-accueil@demo.vigie.test' },
  { name: 'Service des étrangers', mailboxAddress: 'pref-etrangers@demo.vigie.test' },
  { name: 'Point d’accès numérique', mailboxAddress: 'pref-pan@demo.vigie.test' },
  { name: 'Standard', mailboxAddress: null },
  { name: 'Bureau de la communication interministérielle', mailboxAddress: 'pref-communication@demo.vigie.test' },
  { name: 'Mission performance', mailboxAddress: 'pref-qualite@demo.vigie.test' },
] as const;

/**
 * Préfecture de démonstration, clairement signalée comme telle (bandeau « Démonstration »). Idempotent :
 * ce qui existe déjà est laissé tel quel, ce qui manque est ajouté.
 */
export async function ensureDemo(ctx: AppContext): Promise<{ created: boolean; organisationId: string }> {
  let organisation = await findOrganisationBySlug(ctx.db, DEMO_SLUG);
  const created = !organisation;
  if (!organisation) {
    organisation = await createOrganisation(
      ctx,
      { slug: DEMO_SLUG, name: 'Préfecture du Puy-de-Dôme (démonstration)', department: '63', hasCert: 'on' },
      DEMO_ACTOR,
    );
    await markAsDemo(ctx, organisation.id);
    await updatePerimeter(ctx, organisation.id, { hasCert: 'on', modules: ['1', '2', '4'] }, DEMO_ACTOR);
    for (const site of DEMO_SITES) await addSite(ctx, organisation.id, site, DEMO_ACTOR);
  }
  const organisationId = organisation.id;
  const sites = await listSites(ctx.db, organisationId);
  const main = sites.find((s) => s.kind === 'prefecture');
  for (const service of DEMO_SERVICES) {
    if (await findServiceByName(ctx.db, organisationId, service.name)) continue;
    await addService(
      ctx,
      organisationId,
      { name: service.name, mailboxAddress: service.mailboxAddress ?? '', siteId: main?.id ?? '' },
      DEMO_ACTOR,
    );
  }
  for (const account of DEMO_ACCOUNTS) {
    if (await findUserByEmail(ctx.db, account.email)) continue;
    const serviceIds: string[] = [];
    for (const name of account.services ?? []) {
      const service = await findServiceByName(ctx.db, organisationId, name);
      if (service) serviceIds.push(service.id);
    }
    await createAccount(
      ctx,
      {
        email: account.email,
        displayName: account.displayName,
        role: account.role,
        organisationId: account.role === 'national' ? null : organisationId,
        serviceIds,
        password: DEMO_PASSWORD,
      },
      DEMO_ACTOR,
    );
  }
  await ensureDemoMail(ctx, organisationId);
  await ensureDemoCases(ctx, organisationId);
  await ensureDemoSurveys(ctx, organisationId);
  await ensureDemoIndicators(ctx, organisationId);
  await ensureDemoClu(ctx, organisationId);
  await ensureDemoActions(ctx, organisationId);
  await ensureDemoMystery(ctx, organisationId);
  if (created) {
    await recordAudit(ctx.db, ctx.clock, {
      organisationId,
      actor: DEMO_ACTOR,
      action: 'demo.created',
      entityType: 'organisation',
      entityId: organisationId,
      summary: 'Préfecture de démonstration créée',
    });
  }
  return { created, organisationId };
}

/** Dossiers de démonstration, datés par rapport à aujourd'hui : à l'heure, en retard, à traiter. */
const DEMO_CASES: {
  daysAgo: number;
  kind: string;
  channel: string;
  service: string;
  subject: string;
  answeredAfter?: number;
  target?: string;
  requester?: string;
}[] = [
  {
    daysAgo: 40,
    kind: 'information_request',
    channel: 'email',
    service: 'Accueil général',
    subject: 'Horaires d’ouverture du guichet cartes grises',
    answeredAfter: 2,
    requester: 'Jeanne Martin (démo)',
  },
  {
    daysAgo: 38,
    kind: 'complaint',
    channel: 'urn',
    service: 'Accueil général',
    subject: 'Attente trop longue le lundi matin',
    answeredAfter: 9,
  },
  {
    daysAgo: 35,
    kind: 'information_request',
    channel: 'letter',
    service: 'Service des étrangers',
    subject: 'Renouvellement de titre de séjour',
    answeredAfter: 16,
    requester: 'Karim Benali (démo)',
  },
  {
    daysAgo: 30,
    kind: 'suggestion',
    channel: 'web_form',
    service: 'Point d’accès numérique',
    subject: 'Ajouter une imprimante au point numérique',
    answeredAfter: 4,
  },
  {
    daysAgo: 26,
    kind: 'update_request',
    channel: 'internal',
    service: 'Bureau de la communication interministérielle',
    subject: 'Nouveaux horaires d’été sur le site',
    answeredAfter: 1,
    target: 'website',
  },
  {
    daysAgo: 21,
    kind: 'update_request',
    channel: 'internal',
    service: 'Standard',
    subject: 'Message du serveur vocal pour le pont',
    answeredAfter: 6,
    target: 'svi',
  },
  {
    daysAgo: 14,
    kind: 'information_request',
    channel: 'email',
    service: 'Service des étrangers',
    subject: 'Rendez-vous pour un titre de séjour',
    requester: 'Ana Silva (démo)',
  },
  {
    daysAgo: 9,
    kind: 'complaint',
    channel: 'email',
    service: 'Accueil général',
    subject: 'Accueil téléphonique injoignable',
    answeredAfter: 3,
  },
  {
    daysAgo: 7,
    kind: 'information_request',
    channel: 'web_form',
    service: 'Accueil général',
    subject: 'Permis de conduire international',
  },
  {
    daysAgo: 5,
    kind: 'complaint',
    channel: 'letter',
    service: 'Service des étrangers',
    subject: 'Dossier sans nouvelles depuis trois mois',
    requester: 'Lucie Moreau (démo)',
  },
  {
    daysAgo: 2,
    kind: 'suggestion',
    channel: 'urn',
    service: 'Accueil général',
    subject: 'Une signalétique plus visible pour les étrangers',
  },
  {
    daysAgo: 1,
    kind: 'information_request',
    channel: 'email',
    service: 'Point d’accès numérique',
    subject: 'Aide pour une démarche ANTS',
    requester: 'Paul Durand (démo)',
  },
];

async function ensureDemoCases(ctx: AppContext, organisationId: string): Promise<void> {
  const existing = await ctx.db.selectFrom('cases').select('id').where('organisation_id', '=', organisationId).limit(1).execute();
  if (existing.length > 0) return;
  const { department, calendar } = await organisationContext(ctx, organisationId);
  const today = instantToLocalDate(ctx.clock.now(), department.timeZone);
  const services = await listServices(ctx.db, organisationId);
  for (const demo of DEMO_CASES) {
    const received = addDays(today, -demo.daysAgo);
    const electronic = demo.channel === 'email' || demo.channel === 'web_form';
    // Adresses fictives (domaine réservé .test) : la réponse par courriel et la lettre se préparent.
    const slug = (demo.requester ?? '')
      .replace(/ \(démo\)$/, '')
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z]+/g, '.');
    const row = await createCase(
      ctx,
      organisationId,
      {
        kind: demo.kind,
        channel: demo.channel,
        target: demo.target ?? '',
        serviceId: services.find((s) => s.name === demo.service)?.id ?? '',
        receivedAt: received,
        subject: demo.subject,
        requesterName: demo.requester ?? '',
        requesterEmail: demo.requester && electronic ? `${slug}@usager.demo.vigie.test` : '',
        requesterAddress: demo.requester && !electronic ? '12 rue Blatin\n63000 Clermont-Ferrand' : '',
        body: 'Message de démonstration.',
      },
      DEMO_ACTOR,
      {
        // Un courriel encore ouvert a son accusé en file : sans boîte configurée, il attend dans la file d'envoi.
        within: async (trx, created) => {
          if (demo.channel === 'email' && demo.requester && demo.answeredAfter === undefined)
            await queueAcknowledgment(trx, ctx, { caseRow: created, mailbox: null, inReplyTo: null });
        },
      },
    );
    if (demo.answeredAfter !== undefined) {
      const answered = calendar.dueDate(received, demo.answeredAfter);
      if (answered <= today) {
        await recordAnswer(
          ctx,
          organisationId,
          row.id,
          {
            answeredAt: answered,
            answerChannel: demo.channel === 'urn' ? 'letter' : demo.channel === 'internal' ? 'internal' : 'email',
            answerText: 'Réponse de démonstration.',
          },
          DEMO_ACTOR,
        );
      }
    }
  }
}

/**
 * Courrier de démonstration : les modèles de départ et la signature des services (adresse fictive
 * de la préfecture). Aucune boîte n'est configurée : la relève est arrêtée et les courriels attendent.
 */
async function ensureDemoMail(ctx: AppContext, organisationId: string): Promise<void> {
  await ensureDefaultTemplates(ctx.db, ctx, organisationId);
  const existing = new Set((await listSignatures(ctx.db, organisationId)).map((s) => s.service_id));
  for (const service of await listServices(ctx.db, organisationId)) {
    if (existing.has(service.id)) continue;
    await saveSignature(
      ctx,
      organisationId,
      service.id,
      {
        serviceLabel: `${service.name}\nPréfecture du Puy-de-Dôme (démonstration)`,
        postalAddress: '18 boulevard Desaix\n63000 Clermont-Ferrand',
        phone: '04 73 98 63 63',
        website: 'www.puy-de-dome.gouv.fr',
      },
      DEMO_ACTOR,
    );
  }
}

/** Réponses papier de démonstration : des volumes et des répartitions du même ordre que les seeds. */
const DEMO_SURVEY_RESPONSES = 120;
const DEMO_LEVELS = ['very_satisfied', 'satisfied', 'dissatisfied', 'very_dissatisfied', 'no_opinion'] as const;
/** Poids des niveaux par critère (sur 20) : l'attente est le point faible, comme dans les seeds. */
const DEMO_WEIGHTS: Record<string, number[]> = {
  orientation: [9, 8, 2, 0, 1],
  waiting_time: [4, 7, 5, 3, 1],
  courtesy: [12, 6, 1, 0, 1],
  confidentiality: [6, 8, 3, 1, 2],
};
const DEMO_COMMENTS = [
  'Trop d’attente le lundi matin, il faudrait plus de guichets ouverts.',
  'Agents très aimables, merci pour votre aide.',
  'La signalétique pour trouver le service des étrangers n’est pas claire.',
  'Il fait froid dans la salle d’attente.',
];

/** Tirage déterministe : la même démonstration à chaque création. */
function demoLevel(weights: number[], n: number): string {
  let draw = (n * 7919) % weights.reduce((a, b) => a + b, 0);
  for (const [i, w] of weights.entries()) {
    if (draw < w) return DEMO_LEVELS[i] ?? 'satisfied';
    draw -= w;
  }
  return 'satisfied';
}

/**
 * Enquête de démonstration : une campagne « accueil physique » en cours (modèle des seeds), une borne,
 * une affiche QR code et des formulaires papier déjà saisis, pour voir les résultats tout de suite.
 */
async function ensureDemoSurveys(ctx: AppContext, organisationId: string): Promise<void> {
  const existing = await ctx.db
    .selectFrom('survey_campaigns')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .limit(1)
    .execute();
  if (existing.length > 0) return;
  const { department } = await organisationContext(ctx, organisationId);
  const today = instantToLocalDate(ctx.clock.now(), department.timeZone);
  const questionnaire = await copyTemplate(ctx, organisationId, 'physical_reception', DEMO_ACTOR);
  const campaign = await createCampaign(
    ctx,
    organisationId,
    {
      name: 'Accueil physique — démonstration',
      questionnaireId: questionnaire.id,
      startsOn: addDays(today, -28),
      endsOn: addDays(today, 14),
    },
    DEMO_ACTOR,
  );
  await addCollectionPoint(ctx, organisationId, campaign.id, { label: 'Borne accueil général', mode: 'kiosk' }, DEMO_ACTOR);
  await addCollectionPoint(ctx, organisationId, campaign.id, { label: 'Affiche salle d’attente', mode: 'qr' }, DEMO_ACTOR);
  const paper = await addCollectionPoint(
    ctx,
    organisationId,
    campaign.id,
    { label: 'Formulaires papier', mode: 'paper' },
    DEMO_ACTOR,
  );
  const reasons = ['foreigners', 'counter', 'information', 'digital_access_point', 'other'];
  for (let n = 1; n <= DEMO_SURVEY_RESPONSES; n++) {
    const answers: Record<string, string> = { visit_reason: reasons[n % reasons.length] ?? 'other' };
    for (const [key, weights] of Object.entries(DEMO_WEIGHTS)) answers[key] = demoLevel(weights, n + key.length * 13);
    if (n % 9 === 0) answers.comment = DEMO_COMMENTS[(n / 9) % DEMO_COMMENTS.length] ?? '';
    await submitResponse(
      ctx,
      {
        responseId: crypto.randomUUID(),
        pointId: paper.id,
        formNumber: String(n),
        answeredAt: new Date(ctx.clock.now().getTime() - (n % 27) * 86_400_000).toISOString(),
        answers,
      },
      { organisationId, actor: DEMO_ACTOR },
    );
  }
}

/** Cibles locales de l'année (celles du tableau du Puy-de-Dôme) et valeurs saisies des mois écoulés. */
const DEMO_TARGETS: [string, Record<string, string>][] = [
  ['TEL_ABOUTIS', { kind: 'min', low: '90' }],
  ['SVI_MAJ_3J', { kind: 'min', low: '90' }],
  ['WEB_MAJ_3J', { kind: 'min', low: '90' }],
  ['WEB_CONNEXION', { kind: 'min', low: '5' }],
  ['RS_ENGAGEMENT', { kind: 'min', low: '2' }],
  ['RECL_MAIL_5J', { kind: 'min', low: '95' }],
  ['RECL_PAPIER_10J', { kind: 'min', low: '95' }],
  ['RECL_MAIL_DELAI', { kind: 'max', high: '5' }],
  ['RECL_PAPIER_DELAI', { kind: 'max', high: '10' }],
  ['DI_COURRIER_10J', { kind: 'range', low: '75', high: '80' }],
  ['DI_MAIL_5J', { kind: 'range', low: '75', high: '80' }],
  ['DI_MAIL_DELAI', { kind: 'max', high: '5' }],
  ['DI_COURRIER_DELAI', { kind: 'max', high: '10' }],
  ['PAN_USAGERS', { kind: 'none' }],
  ['PAN_SATISF_CONF', { kind: 'min', low: '90' }],
  ['CIV_TELEPROC_DELAI', { kind: 'max', high: '17' }],
  ['CIV_FRAUDE', { kind: 'min', low: '0,5' }],
];

async function ensureDemoIndicators(ctx: AppContext, organisationId: string): Promise<void> {
  const existing = await ctx.db
    .selectFrom('indicator_targets')
    .select('id')
    .where('scope', '=', organisationId)
    .limit(1)
    .execute();
  if (existing.length > 0) return;
  const { department } = await organisationContext(ctx, organisationId);
  const today = instantToLocalDate(ctx.clock.now(), department.timeZone);
  const year = Number(today.slice(0, 4));
  for (const [key, target] of DEMO_TARGETS) await setTarget(ctx, { organisationId }, key, year, target, DEMO_ACTOR);
  // Valeurs des mois clos de l'année, dans les ordres de grandeur des seeds.
  const PAN = [80, 77, 93, 80, 113, 250, 96, 71, 104, 118, 99];
  const TEL = [89, 90, 91, 88, 92, 90, 87, 93, 90, 91, 89];
  const WEB = [8, 7, 10, 9, 8, 7, 6, 7, 9, 10, 8];
  for (let m = 1; m < Number(today.slice(5, 7)); m++) {
    const month = `${year}-${String(m).padStart(2, '0')}`;
    const i = m - 1;
    const entries: [string, Record<string, string>][] = [
      ['TEL_ABOUTIS', { numerator: String((TEL[i] ?? 90) * 41), denominator: '4100' }],
      [
        'WEB_CONNEXION',
        {
          numerator: String(Math.round(((WEB[i] ?? 8) * department.population) / 100)),
          denominator: String(department.population),
        },
      ],
      ['PAN_USAGERS', { value: String(PAN[i] ?? 90) }],
      ['CIV_TELEPROC_DELAI', { numerator: String(4 * 1500 + i * 30), denominator: '1500' }],
      ['CIV_FRAUDE', { numerator: String(3 + (i % 3)), denominator: '1400' }],
    ];
    for (const [key, values] of entries) {
      await recordValue(ctx, organisationId, key, { month, status: 'measured', ...values }, DEMO_ACTOR);
    }
  }
  // Une affiche et un tableau déjà publiés : la page publique « Nos résultats » n'est pas vide.
  const quarter = Math.ceil(Number(today.slice(5, 7)) / 3);
  await publishPoster(ctx, organisationId, quarter > 1 ? `${year}-Q${quarter - 1}` : `${year}-Q1`, DEMO_ACTOR);
  await publishTable(ctx, organisationId, year, today, DEMO_ACTOR);
}
