import { badge, csrfField, errorSummary, table, textField } from '../../../ui/components.ts';
import { formatDateTime } from '../../../ui/format.ts';
import { type HtmlValue, html, type SafeHtml, trustedHtml } from '../../../ui/html.ts';
import type { KioskDeviceRow } from '../kiosk.repository.ts';
import { answerOptions, COMMENT_PERSONAL_DATA_HINT, type Questionnaire } from '../questionnaire.ts';

export const KIOSK_PAIRING_PATH = '/borne';
export const KIOSK_PAGE_PATH = '/borne/questionnaire';

/** Ce que le script de la borne lit dans la page (JSON embarqué, jamais exécuté). */
export interface KioskConfig {
  title: string;
  csrfToken: string;
  submitUrl: string;
  tokenUrl: string;
  pairingUrl: string;
  /** Retour au début sans interaction. */
  idleSeconds: number;
  /** Durée de l'écran « Merci ». */
  thanksSeconds: number;
  /** Intervalle des nouvelles tentatives d'envoi de la file. */
  retrySeconds: number;
  commentHint: string;
  questions: {
    key: string;
    type: Questionnaire['questions'][number]['type'];
    label: string;
    hint?: string;
    required: boolean;
    maxLength?: number;
    showIf?: { question: string; answer: string };
    options: { key: string; label: string }[];
  }[];
}

export function kioskConfig(
  questionnaire: Questionnaire,
  options: Omit<KioskConfig, 'title' | 'questions' | 'commentHint'>,
): KioskConfig {
  return {
    ...options,
    title: questionnaire.title,
    commentHint: COMMENT_PERSONAL_DATA_HINT,
    questions: questionnaire.questions.map((q) => ({
      key: q.key,
      type: q.type,
      label: q.label,
      ...(q.hint ? { hint: q.hint } : {}),
      required: q.required,
      ...(q.type === 'comment' ? { maxLength: q.maxLength } : {}),
      ...(q.showIf ? { showIf: q.showIf } : {}),
      options: answerOptions(q),
    })),
  };
}

/**
 * JSON à placer dans `<script type="application/json">` : `<`, `>`, `&` et les séparateurs de ligne sont
 * échappés en `\uXXXX`, si bien qu'aucun texte du questionnaire ne peut fermer la balise.
 */
export function scriptJson(value: unknown): SafeHtml {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return trustedHtml(json);
}

export interface KioskAssets {
  coreCss: string;
  css: string;
  js: string;
}

/**
 * Document minimal de la tablette : ni en-tête ni pied de page DSFR complets (aucun lien de sortie), un
 * bandeau au nom de la préfecture, la feuille « core » du DSFR (typographie, couleurs) et celle de la borne.
 */
export function kioskDocument(o: {
  title: string;
  organisationName: string;
  assets: KioskAssets;
  content: SafeHtml;
  script?: boolean;
  config?: KioskConfig;
}): string {
  return html`<!doctype html>
<html lang="fr" data-fr-scheme="light">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${o.title} — ${o.organisationName}</title>
  <link rel="stylesheet" href="${o.assets.coreCss}">
  <link rel="stylesheet" href="${o.assets.css}">
  <link rel="icon" href="/dsfr/favicon/favicon.svg" type="image/svg+xml">
</head>
<body class="borne">
  <header class="borne-bandeau" role="banner">
    <p class="borne-bandeau__marque">République<br>française</p>
    <p class="borne-bandeau__nom">${o.organisationName}</p>
  </header>
  <main id="contenu" class="borne-main" tabindex="-1">
    ${o.content}
  </main>
  ${o.config ? html`<script type="application/json" id="borne-config">${scriptJson(o.config)}</script>` : ''}
  ${o.script ? html`<script src="${o.assets.js}" defer></script>` : ''}
</body>
</html>`.value;
}

/** Écran d'appairage de la tablette (sans JavaScript). */
export function kioskPairingView(v: {
  csrfToken: string;
  values?: { code?: string; label?: string };
  error?: string;
  fields?: Record<string, string>;
  notice?: { title: string; message: string };
}): SafeHtml {
  const f = v.fields ?? {};
  return html`<div class="borne-carte">
  <h1>Appairer cette borne</h1>
  ${v.notice ? html`<div class="borne-alerte" role="alert"><h2>${v.notice.title}</h2><p>${v.notice.message}</p></div>` : ''}
  <p>Saisissez le code d’appairage affiché par Vigie sur la fiche de la campagne (« Appairer une borne »). Il est valable 15 minutes et ne sert qu’une fois.</p>
  ${errorSummary(v.error, v.fields)}
  <form method="post" action="${KIOSK_PAIRING_PATH}" novalidate>
    ${csrfField(v.csrfToken)}
    ${textField({ name: 'code', label: 'Code d’appairage', value: v.values?.code, error: f.code, required: true, hint: '8 caractères, par exemple ABCD-EF23', autocomplete: 'off' })}
    ${textField({ name: 'label', label: 'Nom de la borne', value: v.values?.label, error: f.label, hint: 'Facultatif, par exemple « Tablette hall ».', autocomplete: 'off' })}
    <button class="borne-bouton" type="submit">Appairer la borne</button>
  </form>
</div>`;
}

/** Message plein écran de la borne (campagne terminée, pas encore ouverte). */
export function kioskMessageView(v: { title: string; message: string }): SafeHtml {
  return html`<div class="borne-carte"><h1>${v.title}</h1><p>${v.message}</p></div>`;
}

/**
 * La borne : l'écran d'accueil est dans la page ; le script en fait un parcours d'une question par écran.
 * Sans script, la page le dit (la borne exige JavaScript : file hors connexion).
 */
export function kioskQuestionnaireView(v: { title: string }): SafeHtml {
  return html`<div id="borne-ecran" class="borne-ecran" aria-live="polite">
  <h1>${v.title}</h1>
  <p class="borne-intro">Votre avis nous aide à améliorer l’accueil. Quelques questions, une par écran. Cette enquête est anonyme : aucune donnée personnelle ne vous est demandée.</p>
  <noscript><p class="borne-alerte">Cette borne a besoin de JavaScript. Vous pouvez aussi répondre sur papier à l’accueil.</p></noscript>
</div>
<p id="borne-attente" class="borne-attente" hidden></p>`;
}

// ——— Administration : fiche des bornes d'un point de collecte ———

export interface KioskAdminView {
  campaignId: string;
  campaignName: string;
  pointId: string;
  pointLabel: string;
  pointArchived: boolean;
  devices: KioskDeviceRow[];
  csrfToken: string;
  timeZone: string;
  pairingUrl: string;
  newCode?: { code: string; expiresAt: string };
}

function deviceStatus(d: KioskDeviceRow): SafeHtml {
  return d.revoked_at ? badge('Révoquée', 'error') : badge('En service', 'success');
}

export function kioskAdminView(v: KioskAdminView): SafeHtml {
  const base = `/enquetes/campagnes/${v.campaignId}/points/${v.pointId}/borne`;
  const codeBlock: HtmlValue = v.newCode
    ? html`<div class="fr-alert fr-alert--success fr-mb-3w" role="status">
  <h2 class="fr-alert__title">Code d’appairage : <span class="vigie-code">${v.newCode.code}</span></h2>
  <p>Sur la tablette, ouvrez <strong>${v.pairingUrl}</strong> et saisissez ce code avant ${formatDateTime(v.newCode.expiresAt, v.timeZone)} (15 minutes). Il ne sert qu’une fois et ne sera plus affiché.</p>
</div>`
    : '';
  return html`<h1>Bornes — ${v.pointLabel}</h1>
<p>Campagne « ${v.campaignName} ». Une borne (tablette à l’accueil) est appairée à ce point de collecte par un code à usage unique ; elle garde ensuite ses réponses hors connexion et les envoie au retour du réseau.</p>
${codeBlock}
${
  v.pointArchived
    ? html`<p>${badge('Archivé', 'warning')} Ce point de collecte est archivé : aucune borne ne peut plus y être appairée.</p>`
    : html`<form method="post" action="${base}/code">
  ${csrfField(v.csrfToken)}
  <button class="fr-btn" type="submit">Créer un code d’appairage</button>
</form>`
}
<h2 class="fr-mt-4w">Bornes appairées</h2>
${table<KioskDeviceRow>(
  'Bornes appairées à ce point de collecte',
  [
    { header: 'Nom', cell: (d) => d.label },
    { header: 'Appairée le', cell: (d) => formatDateTime(d.created_at, v.timeZone) },
    { header: 'Dernière activité', cell: (d) => (d.last_seen_at ? formatDateTime(d.last_seen_at, v.timeZone) : '—') },
    { header: 'État', cell: deviceStatus },
    {
      header: 'Action',
      cell: (d) =>
        d.revoked_at
          ? `Révoquée le ${formatDateTime(d.revoked_at, v.timeZone)}`
          : html`<form method="post" action="${base}/${d.id}/revoquer">${csrfField(v.csrfToken)}<button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">Révoquer<span class="fr-sr-only"> la borne ${d.label}</span></button></form>`,
    },
  ],
  v.devices,
  'Aucune borne appairée à ce point de collecte.',
)}`;
}
