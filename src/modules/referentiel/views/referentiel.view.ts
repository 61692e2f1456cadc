import { html, type SafeHtml } from '../../../ui/html.ts';
import type { ReferentielTree } from '../referentiel.service.ts';

const UNITS: Record<string, string> = {
  percent: '%',
  working_days: 'jours ouvrés',
  days: 'jours',
  hours: 'heures',
  count: 'nombre',
  per_mille: '‰',
};
const PERIODS: Record<string, string> = {
  monthly: 'mensuel',
  quarterly: 'trimestriel',
  annual: 'annuel',
  per_event: 'par événement',
  per_campaign: 'par campagne',
};
const SOURCES: Record<string, string> = {
  register: 'registre',
  survey: 'enquête',
  manual: 'saisie',
  telephony_import: 'import téléphonie',
  web_analytics_import: 'import statistiques web',
  ants_import: 'import ANTS / CERT',
};

type IndicatorView = ReferentielTree['modules'][number]['otherIndicators'][number];

function indicatorList(indicators: IndicatorView[]): SafeHtml {
  if (indicators.length === 0) return html`<p class="fr-text--sm fr-mb-0">Aucun indicateur rattaché.</p>`;
  return html`<ul class="fr-mb-0">${indicators.map(
    (i) =>
      html`<li>${i.code ? html`<strong>${i.code}</strong> ` : ''}${i.label} <span class="fr-text--xs">(${UNITS[i.unit] ?? i.unit}, ${PERIODS[i.period] ?? i.period}, ${SOURCES[i.source] ?? i.source} — clé <code>${i.key}</code>)</span></li>`,
  )}</ul>`;
}

export function referentielView(tree: ReferentielTree, perimeter: number[] | null): SafeHtml {
  const inPerimeter = new Set(perimeter ?? []);
  return html`<h1>Référentiel ${tree.version?.shortName ?? 'Qual-e-pref'}</h1>
${tree.version ? html`<p class="fr-text--lead">${tree.version.name}</p><p>Version du ${tree.version.version} — ${tree.version.issuer}.</p>` : ''}
<div class="fr-callout fr-mb-4w"><p class="fr-callout__text">
${perimeter ? html`Votre périmètre : modules ${perimeter.join(', ')}. Les modules hors périmètre sont affichés pour information.` : 'Vue de tous les modules du référentiel.'}
Certains textes d’engagements ne sont pas encore disponibles (modules 3 à 8) : ils seront complétés dès publication du référentiel intégral.
</p></div>
${tree.modules.map(
  (m) => html`<section class="fr-mb-6w" aria-labelledby="module-${m.number}">
  <h2 id="module-${m.number}">Module ${m.number} — ${m.title}
    ${perimeter ? (inPerimeter.has(m.number) ? html`<span class="fr-badge fr-badge--success fr-badge--sm">Dans le périmètre</span>` : html`<span class="fr-badge fr-badge--sm">Hors périmètre</span>`) : ''}
  </h2>
  <p class="fr-text--sm">${m.mandatory === 'always' ? 'Module obligatoire.' : m.mandatory === 'if_cert' ? 'Obligatoire pour les préfectures qui ont un CERT.' : 'Module optionnel.'}</p>
  ${
    m.engagements.length > 0
      ? html`<div class="fr-accordions-group">${m.engagements.map(
          (e) => html`<section class="fr-accordion">
    <h3 class="fr-accordion__title"><button type="button" class="fr-accordion__btn" aria-expanded="false" aria-controls="engagement-${e.number}">Engagement ${e.number} — ${e.text}</button></h3>
    <div class="fr-collapse" id="engagement-${e.number}">
      ${e.category ? html`<p class="fr-text--sm">Catégorie : ${e.category}</p>` : ''}
      ${e.criteria.length > 0 ? html`<h4 class="fr-h6">Critères</h4><ul>${e.criteria.map((c) => html`<li><strong>${c.number}</strong> ${c.text}</li>`)}</ul>` : ''}
      <h4 class="fr-h6">Indicateurs</h4>
      ${indicatorList(e.indicators)}
    </div>
  </section>`,
        )}</div>`
      : html`<p>Textes des engagements non disponibles pour ce module.</p>`
  }
  ${m.otherIndicators.length > 0 ? html`<h3 class="fr-h6 fr-mt-3w">Indicateurs du module${m.engagements.length > 0 ? ' sans engagement identifié' : ''}</h3>${indicatorList(m.otherIndicators)}` : ''}
</section>`,
)}`;
}
