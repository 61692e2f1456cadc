import type { AppContext } from '../../shared/context.ts';
import { findUserByEmail } from '../accounts/account.repository.ts';
import { createAccount } from '../accounts/account.service.ts';
import type { Role } from '../accounts/roles.ts';
import { type Actor, recordAudit } from '../audit/audit.service.ts';
import { findOrganisationBySlug, findServiceByName, listSites } from '../organisations/organisation.repository.ts';
import { addService, addSite, createOrganisation, markAsDemo, updatePerimeter } from '../organisations/organisation.service.ts';

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

const DEMO_ACTOR: Actor = { userId: null, label: 'Données de démonstration' };

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
