/**
 * Tri des messages relevés, sans accès à la base : une demande d'usager devient un dossier ; une
 * réponse automatique ou une liste de diffusion est ignorée ; un rebond est signalé (et le courriel
 * sortant qu'il cite sera marqué en échec) ; un message illisible est rejeté. Chaque décision porte
 * une raison en français, affichée aux administrateurs.
 */

export interface MessageFacts {
  /** En-têtes de premier niveau, noms en minuscules, valeurs brutes dépliées, dans l'ordre du message. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** Adresse du From, en minuscules ; nulle quand le message n'en a pas. */
  fromAddress: string | null;
  /** Objet décodé. */
  subject: string | null;
  /** Type MIME de premier niveau (`multipart/report`…) et son paramètre `report-type`. */
  contentType: string;
  reportType: string | null;
  /** Texte des parties de rapport (`message/delivery-status`, en-têtes du message d'origine) et du corps. */
  reportText: string;
  /** Structure MIME illisible : la raison, ou null. */
  mimeProblem: string | null;
  /** Adresse de la boîte relevée : un message qu'elle a elle-même envoyé ne doit pas boucler. */
  mailboxAddress: string;
}

export type Verdict =
  | { outcome: 'accept'; reason: null }
  | { outcome: 'ignored'; category: 'auto_reply' | 'mailing_list' | 'loop'; reason: string }
  | { outcome: 'flagged'; category: 'bounce'; reason: string; bouncedMessageIds: string[]; diagnostic: string | null }
  | { outcome: 'rejected'; category: 'unreadable'; reason: string };

/** Première valeur d'un en-tête (noms en minuscules), ou null. */
export function headerValue(headers: MessageFacts['headers'], name: string): string | null {
  for (const [key, value] of headers) if (key === name) return value.trim();
  return null;
}

// Objets des réponses automatiques des messageries courantes (Outlook, Thunderbird, Zimbra, Gmail…).
// « Absence » seul ou suivi de « : », « du bureau »… ; jamais « Absence de réponse à ma demande ».
const AUTO_REPLY_SUBJECTS: RegExp[] = [
  /^r[ée]ponse automatique\b/i,
  /^automatic reply\b/i,
  /^auto(?:matic)?[- ]?(?:reply|response)\b/i,
  /^autoreply\b/i,
  /^out of (?:the )?office\b/i,
  /^absence\s*(?:$|[:\-–(]|du bureau|prolong[ée]e)/i,
  /^absente? du bureau\b/i,
  /^message d['’]absence\b/i,
  /^accus[ée] de r[ée]ception automatique\b/i,
  /^abwesenheit/i,
];

const AUTO_PRECEDENCE = new Set(['auto_reply', 'bulk', 'junk']);

/** Le rebond cite le courriel d'origine : ses Message-ID, et le diagnostic du serveur distant. */
export function bounceDetails(reportText: string): { messageIds: string[]; diagnostic: string | null } {
  const unfolded = reportText.replace(/\r?\n[ \t]+/g, ' ');
  const messageIds = [
    ...new Set([...unfolded.matchAll(/^[ \t>]*(?:original-|x-original-)?message-id:\s*(<[^<>\s]+>)/gim)].map((m) => m[1] ?? '')),
  ].filter((id) => id !== '');
  const diagnostic = /^[ \t]*diagnostic-code:\s*(?:smtp;\s*)?(.+)$/im.exec(unfolded)?.[1]?.trim();
  const status = /^[ \t]*status:\s*(\d\.\d{1,3}\.\d{1,3})/im.exec(unfolded)?.[1];
  const recipient = /^[ \t]*final-recipient:\s*(?:rfc822;\s*)?(.+)$/im.exec(unfolded)?.[1]?.trim();
  const parts = [
    recipient ? `destinataire ${recipient}` : null,
    status ? `statut ${status}` : null,
    diagnostic ? diagnostic.slice(0, 500) : null,
  ].filter((p): p is string => p !== null);
  return { messageIds, diagnostic: parts.length > 0 ? parts.join(' — ') : null };
}

function bounce(reason: string, facts: MessageFacts): Verdict {
  const details = bounceDetails(facts.reportText);
  return {
    outcome: 'flagged',
    category: 'bounce',
    reason: details.diagnostic ? `${reason} (${details.diagnostic})` : reason,
    bouncedMessageIds: details.messageIds,
    diagnostic: details.diagnostic,
  };
}

/**
 * Décide du sort d'un message. L'ordre compte : un rebond porte souvent aussi
 * « Auto-Submitted: auto-replied » et doit rester signalé ; une réponse automatique a souvent un
 * expéditeur d'enveloppe vide et ne doit pas passer pour un rebond.
 */
export function classifyMessage(facts: MessageFacts): Verdict {
  if (facts.mimeProblem) return { outcome: 'rejected', category: 'unreadable', reason: facts.mimeProblem };

  const header = (name: string) => headerValue(facts.headers, name);
  const contentType = facts.contentType.toLowerCase();
  const reportType = facts.reportType?.toLowerCase() ?? null;
  const fromLocal = facts.fromAddress?.split('@')[0]?.toLowerCase() ?? null;

  if (contentType === 'multipart/report' && reportType === 'delivery-status')
    return bounce('Rebond : avis de non-remise (multipart/report, delivery-status)', facts);
  if (fromLocal === 'mailer-daemon') return bounce('Rebond : message de MAILER-DAEMON', facts);

  if (contentType === 'multipart/report' && reportType === 'disposition-notification')
    return { outcome: 'ignored', category: 'auto_reply', reason: 'Accusé de lecture automatique (disposition-notification).' };

  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted.toLowerCase().split(/[;\s]/)[0] !== 'no')
    return { outcome: 'ignored', category: 'auto_reply', reason: `Réponse automatique (Auto-Submitted: ${autoSubmitted}).` };
  for (const name of ['X-Autoreply', 'X-Autorespond', 'X-Autogenerated']) {
    const value = header(name.toLowerCase());
    if (value !== null) return { outcome: 'ignored', category: 'auto_reply', reason: `Réponse automatique (${name}: ${value}).` };
  }
  const precedence = header('precedence')?.toLowerCase() ?? null;
  if (precedence && AUTO_PRECEDENCE.has(precedence))
    return { outcome: 'ignored', category: 'auto_reply', reason: `Envoi automatique (Precedence: ${precedence}).` };
  const subject = (facts.subject ?? '').trim();
  if (AUTO_REPLY_SUBJECTS.some((pattern) => pattern.test(subject)))
    return { outcome: 'ignored', category: 'auto_reply', reason: `Réponse automatique (objet « ${subject.slice(0, 120)} »).` };

  const returnPath = header('return-path');
  if (returnPath !== null && /^<\s*>$/.test(returnPath))
    return bounce('Rebond probable : expéditeur d’enveloppe vide (Return-Path: <>)', facts);

  const listId = header('list-id');
  if (listId)
    return { outcome: 'ignored', category: 'mailing_list', reason: `Liste de diffusion (List-Id: ${listId.slice(0, 200)}).` };
  if (header('list-unsubscribe'))
    return {
      outcome: 'ignored',
      category: 'mailing_list',
      reason: 'Liste de diffusion ou lettre d’information (List-Unsubscribe).',
    };
  if (precedence === 'list')
    return { outcome: 'ignored', category: 'mailing_list', reason: 'Liste de diffusion (Precedence: list).' };

  if (facts.fromAddress && facts.fromAddress === facts.mailboxAddress.toLowerCase())
    return {
      outcome: 'ignored',
      category: 'loop',
      reason: `Message envoyé par la boîte elle-même (${facts.mailboxAddress}) : ignoré pour éviter une boucle.`,
    };

  return { outcome: 'accept', reason: null };
}
