/**
 * Rattachement d'un courriel à un dossier existant, sans accès à la base : par les en-têtes de fil
 * (In-Reply-To, References) qui citent un message relevé ou un courriel envoyé du dossier, sinon par
 * une référence de dossier (« 2026-00042 ») dans l'objet. La relève cherche ensuite ces clés en base.
 */

/** Le Message-ID d'un courriel envoyé par Vigie : son identifiant, puis le domaine d'expédition. */
export function outgoingMessageId(id: string, domain: string): string {
  return `<${id}@${domain}>`;
}

/**
 * Les identifiants de courriels de Vigie que ces Message-ID peuvent désigner (la partie avant « @ ») : la
 * base les cherche par clé primaire et vérifie le Message-ID entier, qui écarte un identifiant emprunté.
 */
export function outgoingIdsOf(messageIds: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const messageId of messageIds) {
    const at = messageId.indexOf('@');
    if (messageId.startsWith('<') && at > 1) ids.add(messageId.slice(1, at));
  }
  return [...ids];
}

/** Les Message-ID (`<…>`) d'un en-tête In-Reply-To ou References, dans l'ordre, sans doublon. */
export function parseMessageIds(value: string | readonly string[] | null | undefined): string[] {
  if (!value) return [];
  const text = typeof value === 'string' ? value : value.join(' ');
  const ids = [...text.matchAll(/<[^<>\s]+>/g)].map((m) => m[0]);
  return [...new Set(ids)];
}

/** Références de dossier de la forme de Vigie (année sur 4 chiffres, numéro sur 5) citées dans l'objet. */
export function referencesInSubject(subject: string | null | undefined): string[] {
  if (!subject) return [];
  const found: string[] = [];
  for (const match of subject.matchAll(/(?<![\d-])((?:20|21)\d{2})-(\d{5})(?![\d-])/g)) {
    const reference = `${match[1]}-${match[2]}`;
    if (!found.includes(reference)) found.push(reference);
  }
  return found;
}

export interface ThreadHints {
  /** Message-ID cités, du plus sûr au moins sûr : In-Reply-To, puis References du plus récent au plus ancien. */
  messageIds: string[];
  subjectReferences: string[];
}

export function threadHints(input: {
  inReplyTo?: string | readonly string[] | null;
  references?: string | readonly string[] | null;
  subject?: string | null;
}): ThreadHints {
  const inReplyTo = parseMessageIds(input.inReplyTo);
  const references = parseMessageIds(input.references).reverse();
  return {
    messageIds: [...new Set([...inReplyTo, ...references])],
    subjectReferences: referencesInSubject(input.subject),
  };
}

export type ThreadMatch = { caseId: string; via: 'headers' | 'subject'; key: string };

/**
 * Choisit le dossier : le premier Message-ID connu dans l'ordre des indices, sinon la première
 * référence d'objet connue. `byMessageId` et `byReference` viennent de la base (même organisation).
 */
export function pickThread(
  hints: ThreadHints,
  byMessageId: ReadonlyMap<string, string>,
  byReference: ReadonlyMap<string, string>,
): ThreadMatch | null {
  for (const id of hints.messageIds) {
    const caseId = byMessageId.get(id);
    if (caseId) return { caseId, via: 'headers', key: id };
  }
  for (const reference of hints.subjectReferences) {
    const caseId = byReference.get(reference);
    if (caseId) return { caseId, via: 'subject', key: reference };
  }
  return null;
}

/** En-tête References d'une réponse : celui du message reçu suivi de son Message-ID (RFC 5322, § 3.6.4). */
export function replyReferences(references: readonly string[], messageId: string | null): string | null {
  const chain = messageId ? [...references.filter((r) => r !== messageId), messageId] : [...references];
  // Les messageries tronquent les très longues chaînes : on garde la première et les plus récentes.
  const kept = chain.length > 20 ? [chain[0] ?? '', ...chain.slice(-19)] : chain;
  return kept.length > 0 ? kept.join(' ') : null;
}
