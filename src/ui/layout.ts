import { type HtmlValue, html, type SafeHtml } from './html.ts';

export interface NavItem {
  label: string;
  href: string;
}

export interface LayoutViewer {
  displayName: string;
  roleLabel: string;
  csrfToken: string;
}

export interface Flash {
  type: 'success' | 'info' | 'warning' | 'error';
  message: string;
}

export interface PageOptions {
  title: string;
  /** Bloc-marque : « Préfet du Puy-de-Dôme » (ou « République française » hors organisation). */
  brand: string;
  organisationName?: string | undefined;
  isDemo?: boolean | undefined;
  viewer?: LayoutViewer | undefined;
  nav: NavItem[];
  currentPath: string;
  flash?: Flash | undefined;
  breadcrumb?: NavItem[] | undefined;
  content: SafeHtml;
  /** Rechargement automatique de la page (secondes) : suivi d'une tâche de fond, sans JavaScript. */
  refreshSeconds?: number | undefined;
}

/** « Préfet du Puy-de-Dôme » → deux lignes du bloc-marque DSFR (« Préfet » / « du Puy-de-Dôme »). */
function brandLines(brand: string): SafeHtml {
  const [first, ...rest] = brand.split(' ');
  return rest.length > 0 ? html`${first}<br>${rest.join(' ')}` : html`${brand}`;
}

/** L'entrée du menu dont l'adresse prolonge le plus la page courante (« Indicateurs » plutôt que « Registre »). */
function currentItem(items: NavItem[], currentPath: string): NavItem | undefined {
  const matches = items.filter((item) =>
    item.href === '/' ? currentPath === '/' : currentPath === item.href || currentPath.startsWith(`${item.href}/`),
  );
  return matches.sort((a, b) => b.href.length - a.href.length)[0];
}

function header(options: PageOptions): SafeHtml {
  const viewer = options.viewer;
  const tools = viewer
    ? html`<li><a class="fr-btn fr-icon-account-circle-line" href="/compte" title="Mon compte — ${viewer.displayName}, ${viewer.roleLabel}">${viewer.displayName} — ${viewer.roleLabel}</a></li>
        <li><form method="post" action="/deconnexion" class="vigie-inline-form">
          <input type="hidden" name="_csrf" value="${viewer.csrfToken}">
          <button type="submit" class="fr-btn fr-icon-logout-box-r-line">Se déconnecter</button>
        </form></li>`
    : html`<li><a class="fr-btn fr-icon-lock-line" href="/connexion">Se connecter</a></li>`;
  const current = currentItem(options.nav, options.currentPath);
  const navItems = options.nav.map(
    (item) =>
      html`<li class="fr-nav__item"><a class="fr-nav__link" href="${item.href}"${item === current ? html` aria-current="page"` : ''}>${item.label}</a></li>`,
  );
  return html`<header role="banner" class="fr-header">
  <div class="fr-header__body">
    <div class="fr-container">
      <div class="fr-header__body-row">
        <div class="fr-header__brand fr-enlarge-link">
          <div class="fr-header__brand-top">
            <div class="fr-header__logo"><p class="fr-logo">${brandLines(options.brand)}</p></div>
            <div class="fr-header__navbar">
              <button class="fr-btn--menu fr-btn" data-fr-opened="false" aria-controls="menu-principal" aria-haspopup="menu" id="bouton-menu" title="Menu">Menu</button>
            </div>
          </div>
          <div class="fr-header__service">
            <a href="/" title="Accueil — Vigie${options.organisationName ? ` — ${options.organisationName}` : ''}">
              <p class="fr-header__service-title">Vigie${options.isDemo ? html` <span class="fr-badge fr-badge--sm fr-badge--new">Démonstration</span>` : ''}</p>
            </a>
            <p class="fr-header__service-tagline">${options.organisationName ?? 'Qualité du service aux usagers — Qual-e-pref'}</p>
          </div>
        </div>
        <div class="fr-header__tools">
          <div class="fr-header__tools-links"><ul class="fr-btns-group">${tools}</ul></div>
        </div>
      </div>
    </div>
  </div>
  <div class="fr-header__menu fr-modal" id="menu-principal">
    <div class="fr-container">
      <button class="fr-btn--close fr-btn" aria-controls="menu-principal" title="Fermer">Fermer</button>
      <div class="fr-header__menu-links"></div>
      ${
        navItems.length > 0
          ? html`<nav class="fr-nav" id="navigation" role="navigation" aria-label="Menu principal"><ul class="fr-nav__list">${navItems}</ul></nav>`
          : ''
      }
    </div>
  </div>
</header>`;
}

function footer(options: PageOptions): SafeHtml {
  return html`<footer class="fr-footer" role="contentinfo" id="pied-de-page">
  <div class="fr-container">
    <div class="fr-footer__body">
      <div class="fr-footer__brand fr-enlarge-link">
        <a href="/" title="Retour à l'accueil — Vigie"><p class="fr-logo">${brandLines(options.brand)}</p></a>
      </div>
      <div class="fr-footer__content">
        <p class="fr-footer__content-desc">Vigie aide la préfecture à piloter la qualité du service rendu aux usagers dans le cadre du label Qual-e-pref : registres et délais de réponse, enquêtes de satisfaction, indicateurs, plan d'actions et comité local des usagers.</p>
        <ul class="fr-footer__content-list">
          <li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.interieur.gouv.fr" rel="noopener" target="_blank" title="interieur.gouv.fr — nouvelle fenêtre">interieur.gouv.fr</a></li>
          <li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.service-public.fr" rel="noopener" target="_blank" title="service-public.fr — nouvelle fenêtre">service-public.fr</a></li>
          <li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.legifrance.gouv.fr" rel="noopener" target="_blank" title="legifrance.gouv.fr — nouvelle fenêtre">legifrance.gouv.fr</a></li>
        </ul>
      </div>
    </div>
    <div class="fr-footer__bottom">
      <ul class="fr-footer__bottom-list">
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/accessibilite">Accessibilité : non conforme</a></li>
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/mentions-legales">Mentions légales</a></li>
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/donnees-personnelles">Données personnelles</a></li>
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/api/docs">API</a></li>
      </ul>
      <div class="fr-footer__bottom-copy">
        <p>Vigie est un logiciel libre. Sauf mention contraire, les contenus de ce site sont proposés sous <a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md" rel="noopener" target="_blank" title="licence etalab-2.0 — nouvelle fenêtre">licence etalab-2.0</a>.</p>
      </div>
    </div>
  </div>
</footer>`;
}

function breadcrumb(items: NavItem[] | undefined, title: string): HtmlValue {
  if (!items || items.length === 0) return '';
  return html`<nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
  <button type="button" class="fr-breadcrumb__button" aria-expanded="false" aria-controls="fil-ariane">Voir le fil d’Ariane</button>
  <div class="fr-collapse" id="fil-ariane"><ol class="fr-breadcrumb__list">
    ${items.map((item) => html`<li><a class="fr-breadcrumb__link" href="${item.href}">${item.label}</a></li>`)}
    <li><a class="fr-breadcrumb__link" aria-current="page">${title}</a></li>
  </ol></div>
</nav>`;
}

export function flashAlert(flash: Flash | undefined): HtmlValue {
  if (!flash) return '';
  return html`<div class="fr-alert fr-alert--${flash.type} fr-alert--sm fr-mb-3w" role="${flash.type === 'error' ? 'alert' : 'status'}"><p>${flash.message}</p></div>`;
}

/**
 * Une page qui se recharge seule (suivi d'une tâche) le dit et se laisse arrêter : un rechargement minuté qu'on
 * ne peut pas couper gênerait un lecteur d'écran (RGAA 13.1). Le rechargement lui-même est l'en-tête HTTP
 * `Refresh` posé par `renderPage`, que `?auto=0` supprime.
 */
function autoRefreshNotice(options: PageOptions): HtmlValue {
  if (!options.refreshSeconds) return '';
  return html`<p class="fr-text--sm">Cette page se met à jour toutes les ${String(options.refreshSeconds)} secondes. <a href="${options.currentPath}?auto=0">Arrêter la mise à jour automatique</a></p>`;
}

export function page(options: PageOptions): string {
  const document = html`<!doctype html>
<html lang="fr" data-fr-scheme="system">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
  <meta name="format-detection" content="telephone=no">
  <title>${options.title} — Vigie${options.organisationName ? ` — ${options.organisationName}` : ''}</title>
  <link rel="stylesheet" href="/dsfr/dsfr.min.css">
  <link rel="stylesheet" href="/dsfr/utility/icons/icons.min.css">
  <link rel="stylesheet" href="/static/vigie.css">
  <link rel="icon" href="/dsfr/favicon/favicon.svg" type="image/svg+xml">
  <meta name="theme-color" content="#000091">
</head>
<body>
  <div class="fr-skiplinks">
    <nav class="fr-container" role="navigation" aria-label="Accès rapide">
      <ul class="fr-skiplinks__list">
        <li><a class="fr-link" href="#contenu">Contenu</a></li>
        ${options.nav.length > 0 ? html`<li><a class="fr-link" href="#navigation">Menu</a></li>` : ''}
        <li><a class="fr-link" href="#pied-de-page">Pied de page</a></li>
      </ul>
    </nav>
  </div>
  ${header(options)}
  <main id="contenu" role="main" tabindex="-1">
    <div class="fr-container fr-my-6w">
      ${breadcrumb(options.breadcrumb, options.title)}
      ${flashAlert(options.flash)}
      ${autoRefreshNotice(options)}
      ${options.content}
    </div>
  </main>
  ${footer(options)}
  <script type="module" src="/dsfr/dsfr.module.min.js"></script>
  <script nomodule src="/dsfr/dsfr.nomodule.min.js"></script>
</body>
</html>`;
  return document.value;
}
