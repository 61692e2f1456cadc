import { html, type SafeHtml } from '../../../ui/html.ts';

/** Déclaration d'accessibilité : ce qui est réellement vérifié, et comment. */
export function accessibilityView(organisationName: string | undefined): SafeHtml {
  const who = organisationName ?? 'La préfecture qui exploite cette instance de Vigie';
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-9">
<h1>Déclaration d’accessibilité</h1>
<p>${who} s’engage à rendre ses services en ligne accessibles, conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration s’applique au logiciel Vigie tel qu’il est servi à cette adresse.</p>

<h2>État de conformité</h2>
<p>Vigie <strong>n’est pas conforme</strong> au référentiel général d’amélioration de l’accessibilité (RGAA 4.1) : aucun audit de conformité complet n’a encore été réalisé. Tant qu’un tel audit n’a pas eu lieu, la loi impose de déclarer le service non conforme, même si de nombreux critères sont respectés.</p>

<h2>Ce qui est vérifié, et comment</h2>
<ul>
  <li><strong>Tests automatiques à chaque modification du code</strong> : un navigateur Chromium sans interface ouvre les pages de Vigie (connexion, accueil, référentiel et, au fil des versions, chaque nouvel écran) et l’outil <a href="https://github.com/dequelabs/axe-core" rel="noopener" target="_blank" title="axe-core — nouvelle fenêtre">axe-core</a> y cherche les erreurs d’accessibilité détectables automatiquement. Une seule erreur fait échouer l’intégration continue : aucune version n’est livrée avec une erreur connue d’axe-core.</li>
  <li><strong>Composants du Système de design de l’État (DSFR)</strong> : les pages utilisent les composants du DSFR, conçus et testés pour l’accessibilité, servis depuis le paquet officiel <code>@gouvfr/dsfr</code>.</li>
  <li><strong>Navigation sans souris et sans JavaScript</strong> : liens d’évitement, ordre de tabulation suivant l’ordre de lecture, formulaires utilisables au clavier ; les pages publiques fonctionnent sans JavaScript.</li>
  <li><strong>Formulaires</strong> : chaque champ a une étiquette ; en cas d’erreur, un résumé est annoncé en tête du formulaire, chaque champ fautif porte son message et la saisie est conservée.</li>
</ul>
<p>Les tests automatiques ne détectent qu’une partie des problèmes (de l’ordre d’un tiers des critères du RGAA). Les points qui demandent un jugement humain — pertinence des alternatives textuelles, restitution par un lecteur d’écran, compréhension des contenus — n’ont pas encore fait l’objet d’une vérification systématique.</p>

<h2>Contenus non accessibles connus</h2>
<ul>
  <li>Les documents produits par Vigie (présentations du comité local des usagers, comptes rendus, affiches) seront vérifiés à mesure de leur arrivée ; leur accessibilité n’est pas encore garantie.</li>
  <li>Sur petit écran, le menu principal s’ouvre avec JavaScript ; sans JavaScript, les pages restent accessibles par les liens de l’accueil et du pied de page.</li>
</ul>

<h2>Établissement de cette déclaration</h2>
<p>Déclaration établie par l’équipe de Vigie à partir des tests automatiques décrits ci-dessus, exécutés avec Chromium et axe-core à chaque intégration continue.</p>

<h2>Retour d’information et contact</h2>
<p>Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez le référent qualité de la préfecture pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme.</p>

<h2>Voies de recours</h2>
<p>Si vous constatez un défaut d’accessibilité vous empêchant d’accéder à un contenu ou à une fonctionnalité, que vous nous l’avez signalé et que vous n’avez pas obtenu de réponse satisfaisante, vous pouvez :</p>
<ul>
  <li>écrire un message au <a href="https://formulaire.defenseurdesdroits.fr/" rel="noopener" target="_blank" title="Défenseur des droits — nouvelle fenêtre">Défenseur des droits</a> ;</li>
  <li>contacter le délégué du Défenseur des droits dans votre région ;</li>
  <li>envoyer un courrier par la poste (gratuit, sans affranchissement) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.</li>
</ul>
</div></div>`;
}

export function legalNoticeView(organisationName: string | undefined): SafeHtml {
  const who = organisationName ?? 'la préfecture qui exploite cette instance';
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-9">
<h1>Mentions légales</h1>
<h2>Éditeur</h2>
<p>Ce service est édité par ${who}, service de l’État placé sous l’autorité du ministère de l’Intérieur. Le directeur de la publication est le préfet ou la préfète du département.</p>
<h2>Logiciel</h2>
<p>Vigie est un logiciel libre de pilotage de la qualité de service des préfectures (label Qual-e-pref). Son code source est publié sous licence libre ; chaque préfecture l’installe et l’exploite sur ses propres serveurs.</p>
<h2>Hébergement</h2>
<p>Le service est hébergé sur l’infrastructure choisie par la préfecture (serveur du ministère de l’Intérieur ou prestataire qualifié). Les coordonnées de l’hébergeur sont disponibles auprès du référent qualité de la préfecture.</p>
<h2>Système de design de l’État</h2>
<p>L’interface utilise le Système de design de l’État (DSFR), dont l’usage est réservé aux sites et services de l’État. La marque de l’État (bloc-marque « Préfet ») ne peut être reprise par un autre éditeur.</p>
<h2>Propriété intellectuelle</h2>
<p>Sauf mention contraire, les contenus publiés par la préfecture sont proposés sous licence Etalab 2.0 (Licence Ouverte). Les données personnelles ne sont jamais publiées.</p>
<h2>Accessibilité</h2>
<p>Voir la <a href="/accessibilite">déclaration d’accessibilité</a>.</p>
<h2>Données personnelles</h2>
<p>Voir la page <a href="/donnees-personnelles">données personnelles</a>.</p>
</div></div>`;
}

export function privacyView(
  organisationName: string | undefined,
  auditRetentionDays: number,
  session: {
    idleMinutes: number;
    maxHours: number;
    caseRetentionMonths: number;
    surveyCommentRetentionMonths: number;
    cluMemberRetentionMonths: number;
  },
): SafeHtml {
  const who = organisationName ?? 'La préfecture qui exploite cette instance de Vigie';
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-9">
<h1>Données personnelles</h1>
<h2>Responsable du traitement</h2>
<p>${who}, représentée par le préfet ou la préfète du département. Le délégué à la protection des données du ministère de l’Intérieur peut être saisi pour toute question.</p>
<h2>Finalité et base légale</h2>
<p>Vigie sert à suivre la qualité du service rendu aux usagers (délais de réponse, réclamations et suggestions, enquêtes de satisfaction, comité local des usagers). Le traitement relève de l’exécution d’une mission d’intérêt public (article 6.1.e du RGPD).</p>
<h2>Données traitées à ce jour</h2>
<ul>
  <li><strong>Comptes des agents et des membres du comité local des usagers</strong> : adresse électronique, nom affiché, rôle, services, date de dernière connexion, empreinte du mot de passe (jamais le mot de passe lui-même).</li>
  <li><strong>Journal d’audit</strong> : qui a fait quoi et quand dans Vigie, avec l’état avant et après chaque modification.</li>
  <li><strong>Cookies</strong> : un cookie de session strictement nécessaire (<code>vigie_session</code>), un cookie de sécurité des formulaires (<code>vigie_csrf</code>) un cookie de message d’information d’une minute (<code>vigie_flash</code>), un cookie de session qui retient qu’une enquête a déjà reçu une réponse depuis ce navigateur (<code>vigie_enquete</code>) et, sur les bornes d’enquête de la préfecture seulement, le cookie qui identifie la tablette (<code>vigie_borne</code>). Aucun cookie de mesure d’audience ni de publicité : aucun consentement n’est donc demandé.</li>
</ul>
<ul>
  <li><strong>Registre des demandes, réclamations et suggestions</strong> (courriels, formulaire en ligne, courriers, urne) : nom, adresse électronique et adresse postale du demandeur, objet, message, réponse, suites données et pièces jointes ; la date de réception, la nature, le canal et le service traitant servent aux indicateurs de délai de réponse.</li>
  <li><strong>Enquêtes de satisfaction</strong> : les réponses sont anonymes (aucun nom, aucune adresse n’est demandé) ; seul le commentaire libre pourrait contenir une donnée personnelle : il est déconseillé d’en écrire, et les adresses et numéros de téléphone sont masqués à l’affichage des résultats. Un cookie de session propre à l’enquête évite de répondre deux fois depuis le même navigateur.</li>
  <li><strong>Courriels</strong> des boîtes fonctionnelles de la préfecture : les messages reçus deviennent des dossiers du registre ; Vigie garde pour chacun l’expéditeur, l’objet et l’identifiant technique du message, et la copie des courriels envoyés (accusés de réception, avis de réorientation, réponses, récapitulatifs quotidiens des agents).</li>
  <li><strong>Comité local des usagers</strong> : pour chaque représentant d’un organisme membre, civilité, nom, fonction, adresse électronique, téléphone et adresse postale (pour les invitations), présence aux réunions ; le compte rendu approuvé, public, cite les participants comme le fait un compte rendu sur papier.</li>
  <li><strong>Plan d’actions</strong> : les actions et leurs pièces justificatives, avec le nom de l’agent qui les a modifiées (journal d’audit).</li>
</ul>
<ul>
  <li><strong>Enquêtes mystère</strong> : le nom des enquêteurs (agents ou bénévoles d’autres préfectures) et, pour les courriels mystère, les messages reçus des services (texte, expéditeur), qui portent le nom des agents qui ont répondu ; les grilles remplies.</li>
</ul>
<h2>Durées de conservation</h2>
<ul>
  <li>Sessions : fermées après ${session.idleMinutes} minutes d’inactivité et au plus tard ${session.maxHours} heures après la connexion, puis supprimées chaque jour.</li>
  <li>Comptes : conservés tant que la personne a un rôle dans l’organisation ; quand le référent qualité retire son dernier rôle, le compte est supprimé et son nom disparaît du journal d’audit.</li>
  <li>Registre : ${session.caseRetentionMonths} mois après la clôture d’un dossier, l’identité du demandeur, l’objet, les messages, les réponses et les pièces jointes sont effacés (y compris leurs copies dans le journal d’audit) ; restent les données anonymes qui servent aux indicateurs (dates, nature, canal, service, thèmes).</li>
  <li>Enquêtes : les commentaires libres sont effacés ${session.surveyCommentRetentionMonths} mois après la fin de leur campagne ; les réponses notées, anonymes, sont gardées pour les résultats.</li>
  <li>Comité local des usagers : les coordonnées d’un représentant retiré du comité sont effacées ${session.cluMemberRetentionMonths} mois après son retrait (son nom est remplacé par « Membre retiré » dans les listes de présence) ; les comptes rendus approuvés et publiés restent tels quels.</li>
  <li>Courriels : ceux d’un dossier suivent le dossier (effacés avec lui) ; les messages relevés qui n’ont pas fait de dossier (réponses automatiques, rebonds, listes de diffusion) perdent leur expéditeur et leur objet au bout de 30 jours, et les récapitulatifs envoyés aux agents sont supprimés au bout de 30 jours.</li>
  <li>Enquêtes mystère : le texte et l’expéditeur des messages reçus par la boîte mystère sont effacés ${session.caseRetentionMonths} mois après la clôture de la campagne ; restent les dates, la sorte des messages et les grilles, qui font les résultats.</li>
  <li>Journal d’audit : les données personnelles copiées dans le journal (états avant et après) sont effacées au bout de ${auditRetentionDays} jours, ou dès que l’enregistrement d’origine est effacé ; la trace de l’action, elle, est gardée.</li>
</ul>
<h2>Destinataires</h2>
<p>Les agents habilités de la préfecture, selon leur rôle ; l’administration centrale ne reçoit que des indicateurs agrégés, sans donnée personnelle.</p>
<h2>Vos droits</h2>
<p>Vous disposez d’un droit d’accès, de rectification, d’effacement, de limitation et d’opposition. Adressez-vous au référent qualité de la préfecture ou au délégué à la protection des données du ministère de l’Intérieur. Vous pouvez aussi introduire une réclamation auprès de la <a href="https://www.cnil.fr/fr/plaintes" rel="noopener" target="_blank" title="CNIL — nouvelle fenêtre">CNIL</a>.</p>
</div></div>`;
}
