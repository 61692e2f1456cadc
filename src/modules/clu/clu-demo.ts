import type { AppContext } from '../../shared/context.ts';
import { DEMO_ACTOR } from '../audit/audit.service.ts';
import { addDays } from '../calendar/civil-date.ts';
import { instantToLocalDateTime } from '../calendar/local-date.ts';
import { standardAgenda } from './clu-agenda.ts';
import { insertAttendanceIfAbsent, updateAttendance, updateMeeting } from './clu-meeting.repository.ts';
import {
  availableTemplates,
  createMeeting,
  organisationTimeZone,
  recordOpinion,
  submitTemplates,
} from './clu-meeting.service.ts';
import { listMemberOrganisations, listMembers } from './clu-member.repository.ts';
import type { MemberCategory } from './clu-member.schemas.ts';
import { createMember, createMemberOrganisation } from './clu-member.service.ts';
import { addProposal } from './clu-proposal.service.ts';

/** Composition du comité sur le modèle des seeds (Allier, Puy-de-Dôme) ; noms fictifs. */
const DEMO_ORGANISATIONS: { key: string; name: string; category: MemberCategory; address: string }[] = [
  {
    key: 'ufc',
    name: 'UFC-Que Choisir du Puy-de-Dôme',
    category: 'consumers_association',
    address: '12 rue Gaultier-de-Biauzat\n63000 Clermont-Ferrand',
  },
  {
    key: 'udaf',
    name: 'Union départementale des associations familiales (UDAF)',
    category: 'users_association',
    address: '42 rue Fontgiève\n63000 Clermont-Ferrand',
  },
  {
    key: 'apf',
    name: 'APF France handicap — délégation du Puy-de-Dôme',
    category: 'disability_association',
    address: '7 rue de l’Oradou\n63000 Clermont-Ferrand',
  },
  {
    key: 'cci',
    name: 'Chambre de commerce et d’industrie Puy-de-Dôme',
    category: 'consular_chamber',
    address: '148 boulevard Lavoisier\n63000 Clermont-Ferrand',
  },
  {
    key: 'cma',
    name: 'Chambre de métiers et de l’artisanat du Puy-de-Dôme',
    category: 'consular_chamber',
    address: '17 boulevard Berthelot\n63400 Chamalières',
  },
  {
    key: 'amf',
    name: 'Association des maires du Puy-de-Dôme',
    category: 'mayors_association',
    address: '3 place de Jaude\n63000 Clermont-Ferrand',
  },
  {
    key: 'ddd',
    name: 'Défenseur des droits — délégation départementale',
    category: 'defender_of_rights',
    address: 'Maison de la justice et du droit\n63100 Clermont-Ferrand',
  },
  {
    key: 'ddt',
    name: 'Direction départementale des territoires (DDT)',
    category: 'state_service',
    address: '7 rue Léo-Lagrange\n63000 Clermont-Ferrand',
  },
  {
    key: 'ddets',
    name: 'DDETS-PP du Puy-de-Dôme',
    category: 'state_service',
    address: '2 rue Pélissier\n63000 Clermont-Ferrand',
  },
  {
    key: 'pref',
    name: 'Préfecture du Puy-de-Dôme (démonstration)',
    category: 'prefecture',
    address: '18 boulevard Desaix\n63000 Clermont-Ferrand',
  },
];

const DEMO_MEMBERS: { org: string; civility: 'M.' | 'Mme'; first: string; last: string; fn: string; email?: string }[] = [
  {
    org: 'ufc',
    civility: 'M.',
    first: 'Lucien',
    last: 'Marchadier',
    fn: 'Représentant de l’UFC-Que Choisir',
    email: 'l.marchadier@ufc.demo.vigie.test',
  },
  {
    org: 'udaf',
    civility: 'Mme',
    first: 'Christiane',
    last: 'Dauphin',
    fn: 'Représentante de l’UDAF',
    email: 'c.dauphin@udaf.demo.vigie.test',
  },
  { org: 'apf', civility: 'M.', first: 'Alain', last: 'Gouttebel', fn: 'Représentant d’APF France handicap' },
  {
    org: 'cci',
    civility: 'Mme',
    first: 'Annie',
    last: 'Chassaing',
    fn: 'Représentante de la CCI',
    email: 'a.chassaing@cci.demo.vigie.test',
  },
  { org: 'cma', civility: 'M.', first: 'Bernard', last: 'Lopes', fn: 'Représentant de la CMA' },
  {
    org: 'amf',
    civility: 'Mme',
    first: 'Françoise',
    last: 'Guillemet',
    fn: 'Vice-présidente de l’association des maires',
    email: 'f.guillemet@maires.demo.vigie.test',
  },
  {
    org: 'ddd',
    civility: 'Mme',
    first: 'Agnès',
    last: 'Montel',
    fn: 'Déléguée départementale du Défenseur des droits',
    email: 'a.montel@ddd.demo.vigie.test',
  },
  {
    org: 'ddt',
    civility: 'M.',
    first: 'Jean-Claude',
    last: 'Champeix',
    fn: 'Chef du service observatoire des territoires',
    email: 'jc.champeix@ddt.demo.vigie.test',
  },
  {
    org: 'ddets',
    civility: 'M.',
    first: 'Laurent',
    last: 'Claudel',
    fn: 'Directeur adjoint',
    email: 'l.claudel@ddets.demo.vigie.test',
  },
  {
    org: 'pref',
    civility: 'Mme',
    first: 'Malorie',
    last: 'Chanet',
    fn: 'Responsable qualité, mission performance',
    email: 'qualite@demo.vigie.test',
  },
];

function meetingBody(date: string, time: string, place: string, period: { from: string; to: string }) {
  const body: Record<string, string> = {
    date,
    time,
    durationMinutes: '150',
    place,
    chair: 'M. le secrétaire général de la préfecture (démonstration)',
    periodFrom: period.from,
    periodTo: period.to,
  };
  const agenda = standardAgenda();
  body.agendaCount = String(agenda.length);
  agenda.forEach((item, i) => {
    body[`agendaKey_${i}`] = item.key;
    body[`agendaTitle_${i}`] = item.title;
    body[`agendaPosition_${i}`] = String(i + 1);
  });
  return body;
}

/**
 * Comité local des usagers de démonstration : organismes et représentants (trois sans adresse
 * électronique, invités par courrier), une réunion tenue l'année précédente (présences, deux modèles
 * soumis pour avis, trois propositions dont une suivie) et une réunion à venir dans l'année. Idempotent :
 * les membres ne sont ajoutés que s'il n'y en a aucun, les réunions que s'il n'y en a aucune.
 */
export async function ensureDemoClu(ctx: AppContext, organisationId: string): Promise<void> {
  if ((await listMemberOrganisations(ctx.db, organisationId)).length === 0) {
    const ids = new Map<string, string>();
    for (const o of DEMO_ORGANISATIONS) {
      ids.set(
        o.key,
        await createMemberOrganisation(
          ctx,
          organisationId,
          { name: o.name, category: o.category, postalAddress: o.address },
          DEMO_ACTOR,
        ),
      );
    }
    for (const m of DEMO_MEMBERS) {
      await createMember(
        ctx,
        organisationId,
        {
          memberOrganisationId: ids.get(m.org),
          civility: m.civility,
          firstName: m.first,
          lastName: m.last,
          function: m.fn,
          email: m.email ?? '',
        },
        DEMO_ACTOR,
      );
    }
  }
  const existing = await ctx.db
    .selectFrom('clu_meetings')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .limit(1)
    .execute();
  if (existing.length > 0) return;

  const today = instantToLocalDateTime(ctx.clock.now(), await organisationTimeZone(ctx, organisationId)).slice(0, 10);
  const year = Number(today.slice(0, 4));
  const place = 'Salle Gergovie, préfecture, 18 boulevard Desaix, Clermont-Ferrand';
  const pastId = await createMeeting(
    ctx,
    organisationId,
    meetingBody(`${year - 1}-06-30`, '10:00', place, { from: `${year - 2}-01-01`, to: `${year - 2}-12-31` }),
    DEMO_ACTOR,
  );
  // Réunion tenue : invités (courriel ou courrier) et présences relevées.
  const invitedAt = `${year - 1}-06-02T08:00:00.000Z`;
  const members = (await listMembers(ctx.db, organisationId)).filter((m) => m.removed_at === null);
  const statuses = ['present', 'present', 'excused', 'present', 'absent', 'present', 'present', 'excused', 'present', 'present'];
  for (const [i, m] of members.entries()) {
    await insertAttendanceIfAbsent(ctx.db, {
      meeting_id: pastId,
      member_id: m.id,
      status: 'invited',
      invitation_channel: m.email ? 'email' : 'post',
      invited_at: invitedAt,
    });
    await updateAttendance(ctx.db, pastId, m.id, { status: statuses[i % statuses.length] ?? 'present' });
  }
  await updateMeeting(ctx.db, organisationId, pastId, { invitations_sent_at: invitedAt });
  const templates = (await availableTemplates(ctx, organisationId)).slice(0, 2);
  if (templates.length > 0) {
    await submitTemplates(ctx, organisationId, pastId, { templateIds: templates.map((t) => t.id) }, DEMO_ACTOR);
    const opinions = [
      'Avis favorable. Le comité demande d’indiquer le délai de traitement et le nom du service dès la première phrase.',
      'Avis favorable, sous réserve d’écrire les liens vers le site en entier et d’annoncer les pièces jointes.',
    ];
    for (const [i, t] of templates.entries()) {
      await recordOpinion(ctx, organisationId, pastId, t.id, { opinion: opinions[i] ?? '' }, DEMO_ACTOR);
    }
  }
  const byName = new Map((await listMemberOrganisations(ctx.db, organisationId)).map((o) => [o.name, o.id]));
  const proposals: { org: string; text: string; status: string; followUp?: string }[] = [
    {
      org: 'APF France handicap — délégation du Puy-de-Dôme',
      text: 'Installer une boucle magnétique au guichet de l’accueil général pour les personnes malentendantes.',
      status: 'done',
      followUp: 'Boucle magnétique installée au guichet 1 en mars ; signalée par un pictogramme à l’entrée.',
    },
    {
      org: 'UFC-Que Choisir du Puy-de-Dôme',
      text: 'Proposer un lieu extérieur abrité pour le pré-accueil des usagers les jours d’affluence.',
      status: 'accepted',
    },
    {
      org: 'Association des maires du Puy-de-Dôme',
      text: 'Diffuser aux mairies une fiche sur les démarches en ligne et les points d’accès numérique.',
      status: 'to_study',
    },
  ];
  for (const p of proposals) {
    await addProposal(
      ctx,
      organisationId,
      pastId,
      { text: p.text, memberOrganisationId: byName.get(p.org) ?? '', status: p.status, followUp: p.followUp ?? '' },
      DEMO_ACTOR,
    );
  }
  // Réunion à venir dans l'année de démonstration : bilan de l'année en cours, où sont les données de la
  // démonstration (dossiers, enquêtes, indicateurs), pour que son support montre des chiffres.
  const upcoming = [`${year}-06-30`, `${year}-11-30`].find((d) => d > today) ?? addDays(today, 7);
  await createMeeting(
    ctx,
    organisationId,
    meetingBody(upcoming, '10:00', place, { from: `${year}-01-01`, to: `${year}-12-31` }),
    DEMO_ACTOR,
  );
}
