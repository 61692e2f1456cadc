import { pagination, table } from '../../../ui/components.ts';
import { formatDate, formatDateTime } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';
import { frenchTime } from '../clu-minutes.ts';

export interface PublicMinutesView {
  organisationName: string;
  slug: string;
  items: { meetingId: string; startsAt: string; approvedAt: string }[];
  total: number;
  page: number;
  pageCount: number;
}

/** Page publique du comité local des usagers : les comptes rendus approuvés, en PDF. */
export function publicMinutesView(v: PublicMinutesView): SafeHtml {
  const base = `/o/${v.slug}/comite-des-usagers`;
  return html`<h1>Comité local des usagers — ${v.organisationName}</h1>
<p>Le comité local des usagers réunit chaque année des associations d’usagers, de consommateurs et de personnes handicapées, les chambres consulaires, l’association des maires, le Défenseur des droits et les services de l’État. Il examine les résultats de la préfecture (enquêtes de satisfaction, indicateurs, réclamations) et formule des propositions. Ses comptes rendus approuvés sont publiés ici.</p>
${table(
  `Comptes rendus approuvés (${v.total}), du plus récent au plus ancien`,
  [
    { header: 'Réunion', cell: (m) => `${formatDate(m.startsAt.slice(0, 10))} à ${frenchTime(m.startsAt)}` },
    { header: 'Approuvé le', cell: (m) => (m.approvedAt ? formatDateTime(m.approvedAt) : '') },
    {
      header: 'Compte rendu',
      cell: (m) =>
        html`<a href="${base}/${m.meetingId}/compte-rendu.pdf">Compte rendu (PDF)<span class="fr-sr-only"> de la réunion du ${formatDate(m.startsAt.slice(0, 10))}</span></a>`,
    },
  ],
  v.items,
  'Aucun compte rendu n’a encore été publié.',
)}
${pagination(v.page, v.pageCount, (p) => `${base}?page=${p}`)}
<p class="fr-mt-4w"><a href="/o/${v.slug}/resultats">Nos résultats : indicateurs et affiche « Transparence publique »</a></p>`;
}
