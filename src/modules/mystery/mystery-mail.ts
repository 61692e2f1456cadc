import { instantToLocalDate, instantToLocalDateTime, localDateTimeInstant } from '../calendar/local-date.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';

/**
 * Courriels mystère mesurés par Vigie (domaine pur) : heure d'envoi d'un contact dans sa demi-journée,
 * rattachement d'un message reçu à son contact, tri (accusé, réponse, avis de réorientation), et ce qui
 * se mesure sans enquêteur — accusé et son délai, réponse en 5 jours ouvrés, relances, signature
 * complète selon les règles de signature de l'organisation (`mail/signature.ts`), pièces jointes
 * annoncées présentes, liens complets — puis les réponses automatiques de la grille qui en découlent.
 */

// ——— Envoi ———

/** Demi-journées d'envoi : le matin de 9 h à 11 h 30, l'après-midi de 14 h à 16 h 30 (heures locales). */
export const SEND_WINDOWS = { am: { start: 9 * 60, span: 150 }, pm: { start: 14 * 60, span: 150 } } as const;

/**
 * L'instant d'envoi d'un contact : dans sa demi-journée, décalé selon son rang (37 minutes de plus à
 * chaque rang, modulo la plage) pour que les envois ne partent pas tous à la même heure, ce qui se
 * remarquerait. Heure murale du fuseau du département.
 */
export function sendInstant(date: string, halfDay: string, rank: number, timeZone: string): Date {
  const window = halfDay === 'pm' ? SEND_WINDOWS.pm : SEND_WINDOWS.am;
  const minutes = window.start + ((Math.max(0, rank) * 37) % (window.span + 1));
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return localDateTimeInstant(`${date}T${hh}:${mm}`, timeZone);
}

// ——— Rattachement d'un message reçu ———

/** Préfixes de réponse et de transfert des messageries (français, anglais, allemand), répétés ou non. */
const SUBJECT_PREFIX =
  /^\s*(?:(?:re|r[ée]f|tr|fw|fwd|aw|wg|r[ée]p|r[ée]ponse(?: automatique)?|automatic reply|relance|rappel)\s*(?:\[\d+\])?\s*[:：]\s*)+/i;

/** Objet réduit pour comparer : sans « RE: », « TR: »…, espaces réduits, casse ignorée. */
export function normaliseSubject(subject: string | null | undefined): string {
  let s = (subject ?? '').normalize('NFC');
  for (let i = 0; i < 5; i++) {
    const next = s.replace(SUBJECT_PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

export interface MatchCandidate {
  contactId: string;
  /** Message-ID des courriels envoyés pour ce contact : le courriel mystère et ses relances. */
  messageIds: readonly string[];
  subject: string | null;
  /** Adresse écrite (la boîte fonctionnelle visée), en minuscules. */
  targetAddress: string | null;
  sentAt: string | null;
}

export interface IncomingHeaders {
  inReplyTo: readonly string[];
  references: readonly string[];
  subject: string | null;
  from: string | null;
  at: string;
}

export type MatchVia = 'headers' | 'subject' | 'sender';

/**
 * Le contact d'un message reçu : par les en-têtes de fil (In-Reply-To puis References, du plus récent
 * au plus ancien) qui citent un courriel envoyé ; sinon par l'objet (« RE: <objet du scénario> ») ;
 * sinon par l'expéditeur (l'adresse visée). Entre plusieurs contacts possibles, le dernier envoyé avant
 * le message, parmi ceux dont l'expéditeur est l'adresse visée s'il y en a.
 */
export function matchContact(
  message: IncomingHeaders,
  candidates: readonly MatchCandidate[],
): { contactId: string; via: MatchVia } | null {
  const cited = [...message.inReplyTo, ...[...message.references].reverse()];
  for (const id of cited) {
    const found = candidates.find((c) => c.messageIds.includes(id));
    if (found) return { contactId: found.contactId, via: 'headers' };
  }
  const sentBefore = candidates.filter((c) => c.sentAt !== null && c.sentAt <= message.at);
  const from = message.from?.toLowerCase() ?? null;
  const latest = (list: MatchCandidate[]) =>
    [...list].sort((a, b) => (b.sentAt ?? '').localeCompare(a.sentAt ?? '') || a.contactId.localeCompare(b.contactId))[0];
  const subject = normaliseSubject(message.subject);
  if (subject !== '') {
    const bySubject = sentBefore.filter((c) => {
      const own = normaliseSubject(c.subject);
      return own !== '' && (subject === own || subject.includes(own));
    });
    if (bySubject.length > 0) {
      const fromTarget = bySubject.filter((c) => from !== null && c.targetAddress === from);
      const chosen = latest(fromTarget.length > 0 ? fromTarget : bySubject);
      if (chosen) return { contactId: chosen.contactId, via: 'subject' };
    }
  }
  if (from !== null) {
    const chosen = latest(sentBefore.filter((c) => c.targetAddress === from));
    if (chosen) return { contactId: chosen.contactId, via: 'sender' };
  }
  return null;
}

/**
 * L'heure retenue d'un message reçu : celle de son en-tête Date (l'heure où le service l'a envoyé),
 * bornée par l'heure de la lecture (une horloge en avance ne donne pas une réponse future) ; sans Date
 * lisible, la date interne du serveur IMAP, sinon l'heure de la lecture ; jamais avant l'envoi du contact.
 */
export function arrivalInstant(dateHeader: string | null, internalDate: string | null, readAt: Date): Date {
  const parse = (value: string | null) => {
    if (!value) return null;
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  };
  const limit = readAt.getTime();
  const chosen = parse(dateHeader) ?? parse(internalDate) ?? limit;
  return new Date(Math.min(chosen, limit));
}

// ——— Tri d'un message reçu ———

export type IncomingKind = 'acknowledgment' | 'answer' | 'reorientation';

export const INCOMING_KIND_LABELS: Record<IncomingKind | 'other' | 'sent' | 'reminder', string> = {
  acknowledgment: 'Accusé de réception',
  answer: 'Réponse',
  reorientation: 'Avis de réorientation',
  other: 'Autre message',
  sent: 'Courriel mystère envoyé',
  reminder: 'Relance',
};

const REORIENTATION =
  /(transmise?s? (?:ce jour |d[ée]s aujourd['’]hui )?(?:au|à la|à l['’]|aux) (?:service|bureau|direction|p[ôo]le|administration|autorit[ée]|organisme)|r[ée]orient[ée]e?|transf[ée]r[ée]e? (?:au|à la|à l['’]|aux)|ne rel[eè]ve pas de (?:notre|nos|la) (?:comp[ée]tence|service))/i;
const ACKNOWLEDGMENT_SUBJECT = /(accus[ée] de r[ée]ception|r[ée]ponse automatique|automatic reply|bien re[çc]u)/i;
const ACKNOWLEDGMENT_BODY =
  /(accus(?:e|ons|ant) r[ée]ception|accus[ée] de r[ée]ception|message (?:vous est )?envoy[ée] automatiquement)/i;

/**
 * Accusé, réponse ou avis de réorientation. Un avis dit que la demande est transmise au service
 * compétent ; un accusé se déclare automatique (Auto-Submitted, RFC 3834) ou dit accuser réception ;
 * tout autre message du service est une réponse. Le texte cité (notre propre courriel) est ignoré.
 */
export function classifyIncoming(message: { subject: string | null; text: string; autoSubmitted: string | null }): IncomingKind {
  const own = withoutQuotedText(message.text);
  const subject = message.subject ?? '';
  if (REORIENTATION.test(subject) || REORIENTATION.test(own)) return 'reorientation';
  const automatic = message.autoSubmitted !== null && message.autoSubmitted.toLowerCase() !== 'no';
  if (automatic || ACKNOWLEDGMENT_SUBJECT.test(subject) || ACKNOWLEDGMENT_BODY.test(own)) return 'acknowledgment';
  return 'answer';
}

// ——— Texte d'un message ———

/** Début d'une citation : « Le … a écrit : », en-têtes d'Outlook, « Message d'origine ». */
const QUOTE_START =
  /^(?:>|le .{3,200} a [ée]crit ?:?\s*$|on .{3,200} wrote:?\s*$|-{2,}\s*(?:message d['’]origine|original message|message transf[ée]r[ée])|(?:de|from)\s?:\s.+@|_{10,})/i;

/** Le texte écrit par le service : sans la citation de notre message (ni ce qui la suit). */
export function withoutQuotedText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const end = lines.findIndex((line) => QUOTE_START.test(line.trim()));
  return (end >= 0 ? lines.slice(0, end) : lines).join('\n').trim();
}

const CLOSING =
  /^(?:(?:bien|tr[eè]s|tr[eè]s bien) )?cordialement|^(?:bien )?[àa] vous|^salutations|^sinc[eè]res salutations|^je vous prie|^veuillez (?:agr[ée]er|recevoir)|^recevez|^avec (?:mes|nos) (?:salutations|remerciements)|^bonne (?:journ[ée]e|fin de journ[ée]e|soir[ée]e)|^respectueusement/i;

/**
 * La signature d'un message : après le séparateur « -- » s'il y en a un ; sinon après la dernière
 * formule de politesse (« Cordialement », « Je vous prie… ») ; sinon le dernier paragraphe (aucune pour
 * un message d'un seul paragraphe).
 */
export function signatureZone(text: string): string {
  const lines = withoutQuotedText(text).split('\n');
  const separator = lines.findLastIndex((l) => l === '-- ' || l.trim() === '--');
  if (separator >= 0)
    return lines
      .slice(separator + 1)
      .join('\n')
      .trim();
  const closing = lines.findLastIndex((l) => CLOSING.test(l.trim()));
  if (closing >= 0 && lines.slice(closing + 1).some((l) => l.trim() !== ''))
    return lines
      .slice(closing + 1)
      .join('\n')
      .trim();
  const paragraphs = lines
    .join('\n')
    .trim()
    .split(/\n\s*\n/);
  // Un message d'un seul paragraphe n'a pas de signature.
  return paragraphs.length > 1 ? (paragraphs.at(-1) ?? '').trim() : '';
}

/** Le corps sans la signature (les liens se lisent là : le site d'une signature est contrôlé avec elle). */
function bodyWithoutSignature(text: string): string {
  const own = withoutQuotedText(text);
  const zone = signatureZone(text);
  if (zone === '') return own;
  const at = own.lastIndexOf(zone);
  return at >= 0 ? own.slice(0, at) : own;
}

// ——— Signature ———

/** Les éléments d'une signature complète (formes de `mail/signature.ts`) : la clé et son libellé. */
export const SIGNATURE_ELEMENTS = {
  identity: 'Nom et fonction, ou service',
  postal_address: 'Adresse postale',
  phone: 'Téléphone',
  website: 'Site internet',
} as const;
export type SignatureElement = keyof typeof SIGNATURE_ELEMENTS;

/** Ce que l'organisation a déclaré : ses services et les libellés de ses blocs de signature. */
export interface SignatureRules {
  organisationName: string;
  /** Noms des services et lignes des libellés saisis dans « Signatures ». */
  serviceLabels: readonly string[];
}

const SERVICE_WORD =
  /^(?:le |la |l['’])?(?:bureau|service|p[ôo]le|direction|mission|cellule|secr[ée]tariat|section|d[ée]partement|plateforme|guichet|accueil|sous-pr[ée]fecture|cabinet|centre)\b/i;
const FUNCTION_WORD =
  /\b(?:agente?|chef(?:fe)?|adjoint(?:e)?|directeur|directrice|responsable|charg[ée]e?|gestionnaire|instructeur|instructrice|secr[ée]taire|attach[ée]e?|r[ée]f[ée]rent(?:e)?|conseill[eè]re?|assistant(?:e)?|r[ée]dacteur|r[ée]dactrice|d[ée]l[ée]gu[ée]e?)\b/i;
const POSTAL = /(?:\b(?:F-)?\d{2} ?\d{3}[ \t]+\p{L}[\p{L}'’ -]{1,}|\bcedex\b|\b(?:BP|CS|TSA)[ \t]?\d{2,})/iu;
const PHONE = /(?:\+33[ .]?(?:\(0\)[ .]?)?|\b0)[1-9](?:[ .-]?\d{2}){4}\b/;
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/i;
const DOMAIN = /^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fr|gouv\.fr|com|org|net|eu|info)(?:\/\S*)?$/i;

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’']/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Signature complète : l'identité (nom et fonction de l'agent, ou service), l'adresse postale, le
 * téléphone et le site, comme les deux formes de bloc de `mail/signature.ts`. Lue dans la zone de
 * signature du message ; rend les éléments manquants.
 */
export function checkSignature(text: string, rules: SignatureRules): { complete: boolean; missing: SignatureElement[] } {
  const zone = signatureZone(text);
  const lines = zone
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const known = rules.serviceLabels.map(fold).filter((l) => l.length >= 4 && l !== fold(rules.organisationName));
  const identity = lines.some((line) => {
    const folded = fold(line);
    return SERVICE_WORD.test(line) || FUNCTION_WORD.test(line) || known.some((k) => folded.includes(k));
  });
  const website = lines.some((line) =>
    line.split(/\s+/).some((token) => {
      const t = token.replace(/^[(<«"]+|[)>»".,;:]+$/g, '');
      return !t.includes('@') && (URL_PATTERN.test(t) || DOMAIN.test(t));
    }),
  );
  const found: Record<SignatureElement, boolean> = {
    identity,
    postal_address: lines.some((l) => POSTAL.test(l)),
    phone: lines.some((l) => PHONE.test(l)),
    website,
  };
  const missing = (Object.keys(SIGNATURE_ELEMENTS) as SignatureElement[]).filter((key) => !found[key]);
  return { complete: missing.length === 0, missing };
}

// ——— Pièces jointes et liens ———

const ATTACHMENT_ANNOUNCED =
  /(ci[- ]joint(?:e|s|es)?|ci[- ]annex[ée]|(?:en|la|les|une|des) pi[eè]ces? jointes?|en annexe|(?:document|fichier|formulaire)s? joints?|vous trouverez,? joint)/i;

/** Le service annonce-t-il une pièce jointe (« ci-joint », « en pièce jointe », « en annexe »…) ? */
export function announcesAttachment(text: string): boolean {
  return ATTACHMENT_ANNOUNCED.test(withoutQuotedText(text));
}

/** Domaines de premier niveau usuels ; sinon un code pays à deux lettres. */
const TOP_LEVEL = new Set(['com', 'org', 'net', 'info', 'eu', 'gov', 'edu', 'int', 'bzh', 'corsica', 'paris', 'alsace']);

/** Un nom d'hôte entier : au moins un point après « www. », et un domaine de premier niveau connu (« gouv » seul est coupé). */
function completeHost(host: string): boolean {
  const labels = host
    .toLowerCase()
    .replace(/^www\./, '')
    .split('.');
  const last = labels.at(-1) ?? '';
  return labels.length >= 2 && labels.every(Boolean) && (/^[a-z]{2}$/.test(last) || TOP_LEVEL.has(last));
}

const BARE_SITE =
  /\bsur (?:notre|le|leur|votre) site(?: internet| web)?(?: (?:de la pr[ée]fecture|officiel|de l['’][\p{L}]+|du [\p{L}]+|des [\p{L}]+))?|\bsur internet\b/giu;

/**
 * Liens d'un message (hors citation et hors signature, dont le site est contrôlé avec elle) : une
 * adresse complète commence par https:// (ou http://) et n'est pas tronquée. Incomplets : une adresse
 * coupée (« … », « ... », sans domaine), une adresse « www… » sans https:// (pas toujours cliquable),
 * un renvoi « sur notre site » sans adresse dans la même phrase.
 */
export function checkLinks(text: string): { total: number; incomplete: string[] } {
  const body = bodyWithoutSignature(text);
  const incomplete: string[] = [];
  let total = 0;
  for (const match of body.matchAll(/\bhttps?:\/\/[^\s<>"]*/gi)) {
    total++;
    const raw = match[0];
    const truncated = /(?:…|\.\.\.|\[\.\.\.\])$/.test(raw) || raw.includes('…');
    const url = raw.replace(/[.,;:!?)»"']+$/, '');
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      host = '';
    }
    if (truncated || !completeHost(host)) incomplete.push(raw);
  }
  for (const match of body.matchAll(/(?<![\w/.@-])www\.[^\s<>"]*/gi)) {
    total++;
    incomplete.push(match[0].replace(/[.,;:!?)»"']+$/, '') || match[0]);
  }
  for (const sentence of body.split(/(?<=[.!?])\s+|\n/)) {
    for (const match of sentence.matchAll(BARE_SITE)) {
      if (/\bhttps?:\/\/|\bwww\./i.test(sentence)) continue;
      total++;
      incomplete.push(match[0]);
    }
  }
  return { total, incomplete };
}

// ——— Mesure d'un contact ———

export type GridAnswer = 'yes' | 'no' | 'na';

/** Clés de la grille « courriels » que Vigie remplit seul (contrat partagé de l'issue 9). */
export const AUTO_EMAIL_KEYS = [
  'acknowledgment',
  'answer_in_time',
  'reorientation_notice',
  'complete_signature',
  'attachments_announced',
  'complete_links',
] as const;
export type AutoEmailKey = (typeof AUTO_EMAIL_KEYS)[number];

/** Réponse attendue sous 5 jours ouvrés ; relance après 5 jours ouvrés sans réponse, 2 au plus. */
export const ANSWER_WORKING_DAYS = 5;
export const REMINDER_AFTER_WORKING_DAYS = 5;
export const MAX_REMINDERS = 2;

/** `measured_json` d'un contact « courriel » (contrat partagé), avec la source de la signature jugée. */
export interface MeasuredEmail {
  sentAt: string | null;
  acknowledgment: { at: string; minutes: number } | null;
  answer: { at: string; workingDays: number; inTime: boolean } | null;
  reminders: number;
  reorientation: boolean;
  signature: { complete: boolean; missing: SignatureElement[]; source: 'answer' | null };
  attachments: { announced: boolean; present: boolean };
  links: { total: number; incomplete: string[] };
  /** Messages reçus du service pour ce contact (accusés, réponses, avis). */
  messages: number;
}

export interface ContactMessage {
  direction: 'in' | 'out';
  kind: string;
  at: string;
  bodyText: string | null;
  attachmentCount: number;
}

export interface MeasureInput {
  sentAt: string | null;
  messages: readonly ContactMessage[];
  calendar: WorkingCalendar;
  timeZone: string;
  now: Date;
  rules: SignatureRules;
  /** Le dossier né du courriel mystère a été réorienté dans le registre. */
  reoriented: boolean;
}

/**
 * Ce que Vigie mesure d'un contact, et les réponses de la grille qui en découlent. Une réponse « non »
 * n'est écrite qu'une fois la chose acquise : pas d'accusé ni de réponse « non » tant que les 5 jours
 * ouvrés ne sont pas écoulés (la clé reste absente). La signature est jugée sur la première réponse ;
 * sans réponse à l'échéance, « na ». Pièces jointes et liens : sur tous les messages reçus, « na » sans
 * pièce annoncée ou sans lien.
 */
export function measureContact(input: MeasureInput): {
  measured: MeasuredEmail;
  answers: Partial<Record<AutoEmailKey, GridAnswer>>;
} {
  const incoming = input.messages.filter((m) => m.direction === 'in').sort((a, b) => a.at.localeCompare(b.at));
  const reminders = input.messages.filter((m) => m.direction === 'out' && m.kind === 'reminder').length;
  const ack = incoming.find((m) => m.kind === 'acknowledgment');
  const answer = incoming.find((m) => m.kind === 'answer');
  const notice = incoming.find((m) => m.kind === 'reorientation');
  const { calendar, timeZone } = input;
  const sentAt = input.sentAt;
  const today = instantToLocalDate(input.now, timeZone);
  let windowOver = false;
  let answerMeasure: MeasuredEmail['answer'] = null;
  let ackMeasure: MeasuredEmail['acknowledgment'] = null;
  if (sentAt) {
    const sentDay = instantToLocalDate(new Date(sentAt), timeZone);
    windowOver = today > calendar.dueDate(sentDay, ANSWER_WORKING_DAYS);
    if (answer) {
      const at = answer.at < sentAt ? sentAt : answer.at;
      const workingDays = calendar.delay(sentDay, instantToLocalDate(new Date(at), timeZone));
      answerMeasure = { at, workingDays, inTime: workingDays <= ANSWER_WORKING_DAYS };
    }
    if (ack) {
      const at = ack.at < sentAt ? sentAt : ack.at;
      ackMeasure = { at, minutes: Math.round((Date.parse(at) - Date.parse(sentAt)) / 60_000) };
    }
  }
  const signature = answer?.bodyText
    ? { ...checkSignature(answer.bodyText, input.rules), source: 'answer' as const }
    : { complete: false, missing: [] as SignatureElement[], source: null };
  const announcing = incoming.filter((m) => m.bodyText && announcesAttachment(m.bodyText));
  const attachments = {
    announced: announcing.length > 0,
    present: announcing.length > 0 && announcing.every((m) => m.attachmentCount > 0),
  };
  const links = { total: 0, incomplete: [] as string[] };
  for (const m of incoming) {
    if (!m.bodyText) continue;
    const found = checkLinks(m.bodyText);
    links.total += found.total;
    links.incomplete.push(...found.incomplete);
  }
  const measured: MeasuredEmail = {
    sentAt,
    acknowledgment: ackMeasure,
    answer: answerMeasure,
    reminders,
    reorientation: notice !== undefined || input.reoriented,
    signature,
    attachments,
    links,
    messages: incoming.length,
  };
  const answers: Partial<Record<AutoEmailKey, GridAnswer>> = {};
  if (!sentAt) return { measured, answers };
  const concluded = windowOver || answer !== undefined;
  if (ack) answers.acknowledgment = 'yes';
  else if (concluded) answers.acknowledgment = 'no';
  if (answerMeasure) answers.answer_in_time = answerMeasure.inTime ? 'yes' : 'no';
  else if (windowOver) answers.answer_in_time = 'no';
  answers.reorientation_notice = notice ? 'yes' : input.reoriented ? 'no' : 'na';
  if (signature.source) answers.complete_signature = signature.complete ? 'yes' : 'no';
  else if (windowOver) answers.complete_signature = 'na';
  answers.attachments_announced = attachments.announced ? (attachments.present ? 'yes' : 'no') : 'na';
  answers.complete_links = links.total === 0 ? 'na' : links.incomplete.length === 0 ? 'yes' : 'no';
  return { measured, answers };
}

/** Heure murale locale (0–23) d'un instant. */
function localHour(at: Date, timeZone: string): number {
  return Number(instantToLocalDateTime(at, timeZone).slice(11, 13));
}

/**
 * Faut-il relancer ? Pas de réponse, moins de 2 relances, et le 5e jour ouvré après le dernier envoi
 * (courriel ou relance) est passé ; la relance part un jour ouvré, entre 9 h et 17 h, comme l'écrirait
 * un usager.
 */
export function reminderDue(input: {
  sentAt: string | null;
  reminderDates: readonly string[];
  answered: boolean;
  now: Date;
  calendar: WorkingCalendar;
  timeZone: string;
}): boolean {
  if (!input.sentAt || input.answered || input.reminderDates.length >= MAX_REMINDERS) return false;
  const last = [input.sentAt, ...input.reminderDates].sort().at(-1) ?? input.sentAt;
  const lastDay = instantToLocalDate(new Date(last), input.timeZone);
  const today = instantToLocalDate(input.now, input.timeZone);
  if (today <= input.calendar.dueDate(lastDay, REMINDER_AFTER_WORKING_DAYS)) return false;
  const hour = localHour(input.now, input.timeZone);
  return input.calendar.isWorkingDay(today) && hour >= 9 && hour < 17;
}

/** Le texte d'une relance, dans le fil du courriel mystère, avec sa citation. */
export function reminderText(input: { subject: string; body: string; sentDay: string; count: number }): {
  subject: string;
  body: string;
} {
  const quoted = input.body
    .trim()
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  const [y, m, d] = input.sentDay.split('-');
  const lead =
    input.count === 1
      ? `Je me permets de vous relancer : je n’ai pas encore reçu de réponse à mon message du ${d}/${m}/${y}, reproduit ci-dessous.`
      : `Je vous relance une nouvelle fois : mon message du ${d}/${m}/${y}, reproduit ci-dessous, est toujours sans réponse.`;
  return {
    subject: `RE: ${normaliseSubject(input.subject) === '' ? 'Ma demande' : input.subject.replace(SUBJECT_PREFIX, '')}`,
    body: `Bonjour,\n\n${lead}\n\nMerci par avance.\n\n${quoted}\n`,
  };
}
