import { sha256 } from '../../shared/ids.ts';
import type { CaseKind } from '../cases/vocabulary.ts';
import type { TemplatePurpose } from './mail.table.ts';

/**
 * Modèles de départ de chaque organisation, réécrits de façon générique (variables au lieu des noms,
 * adresses et numéros d'une préfecture) à partir des documents des comités locaux des usagers
 * (`shared/seeds/`). Chaque préfecture les modifie ou les archive ensuite depuis « Modèles ».
 */
export interface DefaultTemplate {
  /** Clé stable : l'identifiant du modèle en dépend, ce qui rend la création idempotente. */
  key: string;
  purpose: TemplatePurpose;
  name: string;
  caseKind: CaseKind | null;
  /** Lié au service des étrangers de l'organisation (créé seulement si ce service existe). */
  foreignersService?: boolean;
  subject: string;
  body: string;
}

/** Marque d'un passage que l'agent doit rédiger : l'envoi est refusé tant qu'elle reste. */
export const TO_COMPLETE_MARKER = '[À compléter';

const ACK_SUBJECT = 'Accusé de réception de votre message – dossier {{dossier.reference}}';

const ACK_INTRO = `{{organisation.nom}} accuse réception de votre message du {{dossier.date_reception}}, enregistré sous la référence {{dossier.reference}}.`;

const ACK_DELAY = `S’il s’agit d’une simple demande d’information générale ne nécessitant aucune recherche particulière, vous obtiendrez une réponse dans un délai de {{delai_jours_ouvres}} jours ouvrés, soit au plus tard le {{echeance}}.

S’il s’agit d’un problème complexe nécessitant des recherches spécifiques, ce délai moyen ne s’applique pas.`;

const ACK_AUTOMATIC = `Ce message vous est envoyé automatiquement. Pour compléter votre demande, répondez-y en conservant son objet : votre réponse rejoindra votre dossier.`;

export const DEFAULT_TEMPLATES: readonly DefaultTemplate[] = [
  // Source : CLU du Puy-de-Dôme 2022, « Accusés de réceptions — Message général » (pref-public@).
  {
    key: 'acknowledgment-general',
    purpose: 'acknowledgment',
    name: 'Accusé de réception — message général',
    caseKind: null,
    subject: ACK_SUBJECT,
    body: `Bonjour Madame, Monsieur,

${ACK_INTRO}

${ACK_DELAY}

Les démarches relatives aux certificats d’immatriculation (cartes grises) et aux permis de conduire s’effectuent sur le site de l’Agence nationale des titres sécurisés (ANTS) : https://ants.gouv.fr/. Pour toute réclamation relative à ces démarches, utilisez ce même site ou appelez le 34 00.

Pour une carte nationale d’identité ou un passeport, adressez-vous à votre mairie ; vous pouvez suivre en ligne l’évolution de votre demande sur https://ants.gouv.fr/.

Vous pouvez être accompagné dans vos démarches par les maisons France services et par le point numérique de la préfecture.

${ACK_AUTOMATIC}

Je vous prie de croire, Madame, Monsieur, en l’assurance de notre considération distinguée.

{{service.signature}}`,
  },
  // Source : CLU du Puy-de-Dôme 2022, « Accusés de réceptions — Pour le service de l'immigration et de
  // l'intégration » ; l'accusé de la boîte « pref-etrangers » est aussi cité par la Seine-Maritime.
  {
    key: 'acknowledgment-foreigners',
    purpose: 'acknowledgment',
    name: 'Accusé de réception — service des étrangers',
    caseKind: null,
    foreignersService: true,
    subject: ACK_SUBJECT,
    body: `Bonjour Madame, Monsieur,

${ACK_INTRO}

${ACK_DELAY}

Pour toute question d’ordre général, vous pouvez consulter la page consacrée aux étrangers sur le site internet de la préfecture ({{service.site}}), mise à jour régulièrement : elle répond aux questions les plus courantes.

Les demandes de titre de séjour, leur renouvellement et le suivi de votre demande se font en ligne, sur l’administration numérique pour les étrangers en France : https://administration-etrangers-en-france.interieur.gouv.fr/.

${ACK_AUTOMATIC}

Je vous prie de croire, Madame, Monsieur, en l’assurance de notre considération distinguée.

{{service.signature}}`,
  },
  // Source : CLU du Puy-de-Dôme 2022, « Accusés de réceptions — Suggestion / réclamation » (signé par le
  // référent qualité) ; un modèle par nature pour que le choix automatique se fasse sur la nature.
  ...(['complaint', 'suggestion'] as const).map(
    (kind): DefaultTemplate => ({
      key: `acknowledgment-${kind}`,
      purpose: 'acknowledgment',
      name: `Accusé de réception — ${kind === 'complaint' ? 'réclamation' : 'suggestion'}`,
      caseKind: kind,
      subject: ACK_SUBJECT,
      body: `Madame, Monsieur,

${ACK_INTRO}

S’il s’agit bien d’une ${kind === 'complaint' ? 'réclamation' : 'suggestion'} concernant la qualité de notre accueil, vous obtiendrez une réponse dans un délai de {{delai_jours_ouvres}} jours ouvrés, soit au plus tard le {{echeance}}.

Merci de votre retour sur la qualité de l’accueil en préfecture.

${ACK_AUTOMATIC}

Bien cordialement.

{{service.signature}}`,
    }),
  ),
  // Source : CLU du Puy-de-Dôme 2022, « Erreur sur le site internet » (service de la communication
  // interministérielle) ; choisi pour les demandes de mise à jour (SVI ou site).
  {
    key: 'acknowledgment-website-error',
    purpose: 'acknowledgment',
    name: 'Accusé de réception — erreur sur le site internet',
    caseKind: 'update_request',
    subject: ACK_SUBJECT,
    body: `Bonjour Madame, Monsieur,

${ACK_INTRO}

Merci d’avoir signalé une erreur sur notre site internet : nous prenons en compte votre remarque et la correction sera faite au plus tard le {{echeance}}.

Cordialement.

{{service.signature}}`,
  },
  // Source : CLU du Loir-et-Cher 2022, « Présentation des courriels type — Pour une demande d'information
  // générale » ; choisi pour les demandes d'information.
  {
    key: 'reorientation-general',
    purpose: 'reorientation',
    name: 'Avis de réorientation — information générale',
    caseKind: 'information_request',
    subject: 'Votre demande {{dossier.reference}} a été transmise au service compétent',
    body: `Bonjour,

Vous avez adressé une demande d’information à {{organisation.nom}} le {{dossier.date_reception}} (référence {{dossier.reference}}).

Nous vous informons que votre demande a été transmise ce jour au service compétent, {{service_destinataire.nom}}, qui vous apportera une réponse dans un délai de {{delai_jours_ouvres}} jours ouvrés, soit au plus tard le {{echeance}}.

Cordialement,

{{service.signature}}`,
  },
  // Source : CLU du Loir-et-Cher 2022, « Pour une demande sur un dossier particulier » ; modèle général
  // des réorientations (toutes les autres natures).
  {
    key: 'reorientation-individual',
    purpose: 'reorientation',
    name: 'Avis de réorientation — dossier individuel',
    caseKind: null,
    subject: 'Votre demande {{dossier.reference}} a été transmise au service compétent',
    body: `Bonjour,

Vous avez adressé une demande de renseignement à {{organisation.nom}} le {{dossier.date_reception}} (référence {{dossier.reference}}).

Nous vous informons que votre demande a été transmise ce jour au service compétent, {{service_destinataire.nom}}, qui vous apportera directement une réponse.

Le délai moyen de traitement des demandes est de 5 à 10 jours ouvrés. Un délai supplémentaire peut être nécessaire pour l’examen d’un dossier individuel.

Cordialement,

{{service.signature}}`,
  },
  // Source : CLU du Puy-de-Dôme 2022, courriel « Réponse à votre demande d'information générale »
  // (Bonjour Madame, Monsieur, [contenu clair], Cordialement, signature).
  {
    key: 'answer-general',
    purpose: 'answer',
    name: 'Réponse — demande d’information générale',
    caseKind: null,
    subject: 'Réponse à votre demande d’information générale – dossier {{dossier.reference}}',
    body: `Bonjour Madame, Monsieur,

${TO_COMPLETE_MARKER} : votre réponse, claire et complète.]

Cordialement.

{{service.signature}}`,
  },
  // Source : CLU de la Seine-Maritime 2022, « courriel de réponse type relatif aux démarches cartes
  // grises » (contenu repris de l'accusé général du Puy-de-Dôme : ANTS, 34 00, points numériques).
  {
    key: 'answer-registration',
    purpose: 'answer',
    name: 'Réponse — cartes grises',
    caseKind: null,
    subject: 'Votre démarche de carte grise – dossier {{dossier.reference}}',
    body: `Bonjour Madame, Monsieur,

Vous nous avez interrogés sur une démarche de certificat d’immatriculation (carte grise).

Ces démarches ne se font plus au guichet de la préfecture : elles s’effectuent exclusivement en ligne, sur le site de l’Agence nationale des titres sécurisés (ANTS), https://immatriculation.ants.gouv.fr/, ou auprès d’un professionnel de l’automobile habilité.

Pour toute question sur une demande déjà déposée, ou pour une réclamation, utilisez l’assistance en ligne de l’ANTS (https://ants.gouv.fr/) ou appelez le 34 00.

Si vous rencontrez des difficultés avec le numérique, les agents du point numérique de la préfecture et des maisons France services peuvent vous accompagner.

Cordialement.

{{service.signature}}`,
  },
  // Source : CLU de la Seine-Maritime 2022, « courriel de réponse type relatif aux démarches permis de
  // conduire » ; contenu d'après le courrier-type « Permis de conduire » du Loir-et-Cher.
  {
    key: 'answer-driving-licence',
    purpose: 'answer',
    name: 'Réponse — permis de conduire',
    caseKind: null,
    subject: 'Votre démarche de permis de conduire – dossier {{dossier.reference}}',
    body: `Bonjour Madame, Monsieur,

Vous nous avez interrogés sur une démarche de permis de conduire.

La préfecture ne reçoit plus de demandes de permis de conduire au guichet : la demande se fait en ligne, sur le site de l’Agence nationale des titres sécurisés (ANTS), https://permisdeconduire.ants.gouv.fr/.

Pour suivre une demande déjà déposée ou pour une réclamation, utilisez l’assistance en ligne de l’ANTS (https://ants.gouv.fr/) ou appelez le 34 00.

En cas de difficultés dans vos démarches, des points numériques sont à votre disposition en préfecture et en sous-préfecture ; leurs horaires sont sur {{service.site}}.

Restant à votre disposition pour tout renseignement complémentaire,

Cordialement.

{{service.signature}}`,
  },
  // Source : CLU de la Seine-Maritime 2022, « demande d'information sur l'état d'avancement d'une CNI ou
  // d'un passeport » ; contenu d'après l'accusé général du Puy-de-Dôme (mairie, suivi sur ants.gouv.fr).
  {
    key: 'answer-identity-progress',
    purpose: 'answer',
    name: 'Réponse — état d’avancement d’une CNI ou d’un passeport',
    caseKind: null,
    subject: 'État d’avancement de votre carte d’identité ou de votre passeport – dossier {{dossier.reference}}',
    body: `Bonjour Madame, Monsieur,

Vous nous demandez où en est votre demande de carte nationale d’identité ou de passeport.

Vous pouvez suivre en ligne l’évolution de votre demande sur https://ants.gouv.fr/, dans votre espace personnel, à l’aide du numéro de votre pré-demande ou de votre dossier.

Une fois le titre fabriqué, il est remis par la mairie où vous avez déposé votre demande : c’est elle qui vous informe de sa mise à disposition et qui peut répondre aux questions sur votre rendez-vous de remise.

Cordialement.

{{service.signature}}`,
  },
  // Source : CLU de la Seine-Maritime 2022, « demande d'information sur les rendez-vous » (dossier DMI).
  {
    key: 'answer-appointments',
    purpose: 'answer',
    name: 'Réponse — rendez-vous en préfecture',
    caseKind: null,
    subject: 'Votre demande de rendez-vous – dossier {{dossier.reference}}',
    body: `Bonjour Madame, Monsieur,

Vous nous avez interrogés sur la prise de rendez-vous en préfecture.

Les rendez-vous aux guichets se prennent en ligne, depuis le site internet de la préfecture ({{service.site}}), rubrique « Prendre un rendez-vous ». De nouveaux créneaux sont ouverts régulièrement ; nous vous invitons à consulter la page à plusieurs reprises.

${TO_COMPLETE_MARKER} : précisions propres à la démarche du demandeur, ou supprimez ce paragraphe.]

Cordialement.

{{service.signature}}`,
  },
  // Source : structure du courrier-type des CLU du Puy-de-Dôme et de la Corrèze (formule d'ouverture,
  // contenu clair, formule de fin) et courrier-type du Loir-et-Cher (« J'accuse réception de votre
  // courrier reçu le … ») ; la mise en page (émetteur, objet, référence, signataire) est faite à part.
  {
    key: 'letter-general',
    purpose: 'letter',
    name: 'Lettre — réponse à un courrier',
    caseKind: null,
    subject: '{{dossier.objet}}',
    body: `Madame, Monsieur,

J’accuse réception de votre courrier reçu le {{dossier.date_reception}}, enregistré sous la référence {{dossier.reference}}.

${TO_COMPLETE_MARKER} : votre réponse, claire et complète.]

Restant à votre disposition pour tout renseignement complémentaire, je vous prie d’agréer, Madame, Monsieur, l’expression de ma considération distinguée.`,
  },
];

/** Identifiant d'un modèle de départ : le même à chaque création, d'où l'idempotence sans doublon. */
export function defaultTemplateId(organisationId: string, key: string): string {
  const h = sha256(`vigie-default-template:${organisationId}:${key}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Le service des étrangers : son nom contient « étranger(s) », accents et casse ignorés. */
export function isForeignersService(name: string): boolean {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().includes('etranger');
}
