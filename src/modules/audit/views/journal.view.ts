import { pagination, table } from '../../../ui/components.ts';
import { formatDateTime } from '../../../ui/format.ts';
import { html, type SafeHtml } from '../../../ui/html.ts';

export interface JournalRow {
  occurred_at: string;
  actor_label: string;
  action: string;
  summary: string | null;
  personal_data_erased_at: string | null;
}

export function journalView(rows: JournalRow[], page: number, pageCount: number, total: number): SafeHtml {
  return html`<h1>Journal d’audit</h1>
<p>Chaque modification faite dans Vigie est enregistrée avec son auteur, sa date et l’état avant et après. ${total} événement${total > 1 ? 's' : ''}.</p>
${table<JournalRow>(
  'Événements, du plus récent au plus ancien',
  [
    { header: 'Date', cell: (r) => formatDateTime(r.occurred_at) },
    { header: 'Auteur', cell: (r) => r.actor_label },
    { header: 'Action', cell: (r) => html`<code>${r.action}</code>` },
    {
      header: 'Détail',
      cell: (r) => r.summary ?? (r.personal_data_erased_at ? html`<em>Données personnelles effacées</em>` : '—'),
    },
  ],
  rows,
  'Aucun événement pour l’instant.',
)}
${pagination(page, pageCount, (p) => `/admin/journal?page=${p}`)}`;
}
