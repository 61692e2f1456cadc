import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { type ParsedMail, simpleParser } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import {
  type HeaderLine,
  type MailAttachment,
  type MailFacts,
  readSimpleMessage,
  type StructuredValue,
} from './simple-message.ts';
import { parseMessageIds } from './threading.ts';

/**
 * Lecture d'un message relevé (RFC 5322/MIME) en faits utiles à la relève : identifiant, expéditeur,
 * objet, texte, pièces jointes, en-têtes pour le tri. Ne lève jamais : un message illisible est rendu
 * avec `mimeProblem` renseigné (il sera rejeté, et reste sur le serveur IMAP).
 */

export interface InboundAttachment {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface InboundMessage {
  /** Message-ID de l'en-tête, ou « sha256:… » du message entier quand il n'en a pas. */
  messageId: string;
  /** Le Message-ID de l'en-tête seulement (pour In-Reply-To d'une réponse). */
  headerMessageId: string | null;
  from: { address: string; name: string | null } | null;
  subject: string | null;
  /** Texte du message : partie texte, sinon HTML assaini converti en texte. */
  text: string;
  textSource: 'text' | 'html' | 'none';
  inReplyTo: string[];
  references: string[];
  headers: [string, string][];
  contentType: string;
  reportType: string | null;
  /** Parties de rapport (rebonds) et corps : là où un rebond cite le message d'origine. */
  reportText: string;
  attachments: InboundAttachment[];
  mimeProblem: string | null;
  /** Remarques pour l'historique du dossier (jeu de caractères inconnu…). */
  notes: string[];
}

/** Au-delà, un Message-ID est remplacé par son empreinte (index unique en base). */
const MAX_MESSAGE_ID_LENGTH = 500;
const REPORT_PART_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'text/rfc822-headers',
  'message/rfc822',
  'message/global-headers',
]);
const MESSAGE_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'sender',
  'reply-to',
]);

export function fingerprint(source: Uint8Array): string {
  return `sha256:${createHash('sha256').update(source).digest('hex')}`;
}

function normaliseMessageId(value: string | undefined): string | null {
  const id = value?.trim();
  if (!id) return null;
  const bracketed = id.startsWith('<') ? id : `<${id}>`;
  return bracketed.length > MAX_MESSAGE_ID_LENGTH ? fingerprint(Buffer.from(bracketed)) : bracketed;
}

/**
 * Décodeur des corps pour mailparser : les jeux de caractères connus du WHATWG (tous ceux des
 * messageries courantes) sont décodés normalement ; un jeu inconnu (« x-inconnu ») est lu en UTF-8
 * s'il est valide, sinon en Windows-1252, et signalé — plutôt que de remplacer les accents par « � ».
 */
function lenientDecoder(notes: string[]) {
  return class LenientDecoder extends Transform {
    readonly #charset: string;
    readonly #chunks: Buffer[] = [];
    constructor(fromCharset: string, _toCharset: string) {
      super();
      this.#charset = fromCharset;
    }
    override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      this.#chunks.push(chunk);
      done();
    }
    override _flush(done: TransformCallback) {
      const bytes = Buffer.concat(this.#chunks);
      let text: string;
      try {
        text = new TextDecoder(this.#charset.trim().toLowerCase()).decode(bytes);
      } catch {
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
          notes.push(`Jeu de caractères inconnu « ${this.#charset} » : texte lu en UTF-8.`);
        } catch {
          text = new TextDecoder('windows-1252').decode(bytes);
          notes.push(`Jeu de caractères inconnu « ${this.#charset} » : texte lu en Windows-1252 (accents à vérifier).`);
        }
      }
      this.push(Buffer.from(text, 'utf8'));
      done();
    }
  };
}

const DROPPED_WITH_CONTENT = [
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
  'head',
  'title',
  'iframe',
  'template',
  'object',
];

/**
 * HTML → texte. D'abord assaini par sanitize-html (aucun script, style ni attribut ne survit, leur
 * contenu non plus), puis réduit au texte en gardant les retours à la ligne des blocs.
 */
export function htmlToText(html: string): string {
  const safe = sanitizeHtml(html, {
    allowedTags: [
      'p',
      'div',
      'br',
      'li',
      'ul',
      'ol',
      'tr',
      'td',
      'th',
      'table',
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'blockquote',
      'pre',
    ],
    allowedAttributes: {},
    nonTextTags: DROPPED_WITH_CONTENT,
  });
  const withBreaks = safe
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<li>/g, '\n- ')
    .replace(/<\/(p|div|tr|h[1-6]|blockquote|pre|table|ul|ol)>/g, '\n')
    .replace(/<\/t[dh]>/g, '\t');
  const text = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {}, nonTextTags: DROPPED_WITH_CONTENT })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return tidyText(text);
}

function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function unfoldHeaders(lines: readonly HeaderLine[]): [string, string][] {
  return lines
    .filter((l) => l.key !== '')
    .map((l) => {
      const line = l.line.replace(/\r?\n[ \t]+/g, ' ');
      const colon = line.indexOf(':');
      return [l.key, colon >= 0 ? line.slice(colon + 1).trim() : ''] as [string, string];
    });
}

function structuredHeader(parsed: ParsedMail, name: string): StructuredValue | null {
  const header = parsed.headers.get(name);
  if (header && typeof header === 'object' && 'value' in header && 'params' in header && typeof header.value === 'string')
    return { value: header.value, params: header.params as Record<string, string> };
  return null;
}

/** Problème de structure qui rend le message illisible, ou null. */
function structureProblem(source: Buffer, facts: MailFacts): string | null {
  if (!facts.headerLines.some((l) => MESSAGE_HEADERS.has(l.key))) {
    return 'Message illisible : aucun en-tête de message reconnu (From, Subject, Date…).';
  }
  const type = facts.contentType;
  if (type?.value.toLowerCase().startsWith('multipart/')) {
    const boundary = type.params.boundary;
    if (!boundary) return `Structure MIME illisible : message ${type.value} sans délimiteur (boundary).`;
    if (!source.includes(`--${boundary}`))
      return `Structure MIME illisible : le délimiteur « ${boundary.slice(0, 70)} » n’apparaît pas dans le message.`;
  }
  return null;
}

function attachmentName(a: MailAttachment, index: number): string {
  if (a.filename) return a.filename;
  const extension = a.contentType
    .split('/')[1]
    ?.replace(/[^a-z0-9]/gi, '')
    .slice(0, 8);
  return `piece-jointe-${index + 1}${extension ? `.${extension}` : ''}`;
}

/** Les faits qu'a lus mailparser, sous la forme de la lecture directe. */
function factsOf(parsed: ParsedMail): MailFacts {
  return {
    headerLines: parsed.headerLines,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    subject: parsed.subject,
    from: parsed.from?.value.map((v) => ({ name: v.name, address: v.address ?? '' })),
    contentType: structuredHeader(parsed, 'content-type'),
    text: parsed.text,
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    attachments: parsed.attachments.map((a) => ({ contentType: a.contentType, filename: a.filename, content: a.content })),
  };
}

async function parseWithMailparser(source: Buffer, notes: string[]): Promise<MailFacts> {
  const parsed = await simpleParser(source, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
    keepCidLinks: true,
    keepDeliveryStatus: true,
    checksumAlgo: false,
    Iconv: lenientDecoder(notes),
  });
  return factsOf(parsed);
}

/**
 * Lit un message : directement quand il a une forme simple (`simple-message.ts`, même résultat que
 * mailparser), sinon par mailparser. `mailparserOnly` sert à comparer les deux lectures.
 */
export async function readInboundMessage(source: Buffer, options: { mailparserOnly?: boolean } = {}): Promise<InboundMessage> {
  const notes: string[] = [];
  let facts: MailFacts;
  try {
    facts = (!options.mailparserOnly && readSimpleMessage(source)) || (await parseWithMailparser(source, notes));
  } catch (error) {
    return {
      messageId: fingerprint(source),
      headerMessageId: null,
      from: null,
      subject: null,
      text: '',
      textSource: 'none',
      inReplyTo: [],
      references: [],
      headers: [],
      contentType: 'text/plain',
      reportType: null,
      reportText: '',
      attachments: [],
      mimeProblem: `Message illisible : ${error instanceof Error ? error.message : String(error)}`.slice(0, 500),
      notes,
    };
  }
  const headerMessageId = normaliseMessageId(facts.messageId);
  const sender = facts.from?.find((v) => v.address);
  const from = sender?.address ? { address: sender.address.trim().toLowerCase(), name: sender.name.trim() || null } : null;
  const structured = facts.contentType;
  let text = '';
  let textSource: InboundMessage['textSource'] = 'none';
  if (facts.text?.trim()) {
    text = tidyText(facts.text);
    textSource = 'text';
  } else if (facts.html?.trim()) {
    text = htmlToText(facts.html);
    textSource = 'html';
  }
  const reportParts = facts.attachments.filter((a) => REPORT_PART_TYPES.has(a.contentType.toLowerCase()));
  const reportText = [...reportParts.map((a) => a.content.toString('utf8')), facts.text ?? ''].join('\n');
  const attachments = facts.attachments
    .filter((a) => !REPORT_PART_TYPES.has(a.contentType.toLowerCase()))
    .map((a, index) => ({ filename: attachmentName(a, index), contentType: a.contentType, bytes: a.content }));
  return {
    messageId: headerMessageId ?? fingerprint(source),
    headerMessageId: headerMessageId?.startsWith('<') ? headerMessageId : null,
    from,
    subject: facts.subject?.trim() || null,
    text,
    textSource,
    inReplyTo: parseMessageIds(facts.inReplyTo),
    references: parseMessageIds(facts.references),
    headers: unfoldHeaders(facts.headerLines),
    contentType: structured?.value.toLowerCase() ?? 'text/plain',
    reportType: structured?.params['report-type'] ?? null,
    reportText,
    attachments,
    mimeProblem: structureProblem(source, facts),
    notes: [...new Set(notes)],
  };
}
