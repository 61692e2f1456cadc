/**
 * Blocs de signature (domaine pur), sur les deux formes présentées au comité local des usagers de la
 * Corrèze (janvier 2022, « Présentation des courriels type ») et mises en place dans le Puy-de-Dôme
 * après les e-mails mystères (« signatures électroniques complètes et permettant l'identification ») :
 *
 * - boîte fonctionnelle : Bureau / service, Préfecture, adresse administrative, téléphone, site ;
 * - boîte individuelle : Prénom Nom, Fonction, puis le même bloc.
 *
 * Quand l'administrateur n'a rien saisi pour un service, le bloc se réduit au nom du service et à celui
 * de l'organisation : jamais de signature vide.
 */

export type SignatureForm = 'functional' | 'individual';

export const SIGNATURE_FORM_LABELS: Record<SignatureForm, string> = {
  functional: 'Boîte fonctionnelle (service, adresse, téléphone, site)',
  individual: 'Boîte individuelle (votre nom et votre fonction en plus)',
};

export function isSignatureForm(value: string): value is SignatureForm {
  return value === 'functional' || value === 'individual';
}

export interface SignatureParts {
  /** Libellé saisi par l'administrateur (plusieurs lignes possibles), sinon le nom du service. */
  serviceLabel: string | null;
  organisationName: string;
  postalAddress: string | null;
  phone: string | null;
  website: string | null;
  /** Adresse de la boîte qui envoie. */
  email: string | null;
  agentName?: string | null;
  agentTitle?: string | null;
}

/** Ce que l'administrateur a saisi pour un service (table `service_signatures`), s'il a saisi quelque chose. */
export interface StoredSignature {
  service_label: string;
  postal_address: string | null;
  phone: string | null;
  website: string | null;
}

function clean(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Assemble les éléments du bloc, avec le repli sur le nom du service et celui de l'organisation. */
export function signatureParts(input: {
  serviceName: string | null;
  organisationName: string;
  stored?: StoredSignature | null | undefined;
  email?: string | null | undefined;
  agentName?: string | null | undefined;
  agentTitle?: string | null | undefined;
}): SignatureParts {
  return {
    serviceLabel: clean(input.stored?.service_label) ?? clean(input.serviceName),
    organisationName: input.organisationName,
    postalAddress: clean(input.stored?.postal_address),
    phone: clean(input.stored?.phone),
    website: clean(input.stored?.website),
    email: clean(input.email),
    agentName: clean(input.agentName),
    agentTitle: clean(input.agentTitle),
  };
}

/** Le bloc de signature en texte, une information par ligne. */
export function signatureBlock(form: SignatureForm, parts: SignatureParts): string {
  const lines: string[] = [];
  if (form === 'individual') {
    if (parts.agentName) lines.push(parts.agentName);
    if (parts.agentTitle) lines.push(parts.agentTitle);
  }
  if (parts.serviceLabel) lines.push(parts.serviceLabel);
  // Le libellé saisi peut déjà nommer la préfecture : pas de répétition.
  if (!parts.serviceLabel?.toLowerCase().includes(parts.organisationName.toLowerCase())) lines.push(parts.organisationName);
  if (parts.postalAddress) lines.push(parts.postalAddress);
  if (parts.phone) lines.push(`Tél. : ${parts.phone}`);
  if (parts.email) lines.push(parts.email);
  if (parts.website) lines.push(parts.website);
  return lines.join('\n');
}
