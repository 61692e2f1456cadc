/**
 * Lecture directe des messages simples, sans mailparser : la forme que prend l'immense majorité des
 * courriels d'usagers (texte, HTML, ou les deux en `multipart/alternative`, avec ou sans pièces jointes
 * en `multipart/mixed`), en en-têtes ASCII, dans les jeux de caractères courants. Chaque règle reprend
 * exactement celle de mailparser (mailsplit, libmime, libqp), pour le même résultat — le test
 * `simple-message.test.ts` compare les deux lectures sur un corpus de variantes. Tout ce qui sort de ce
 * sous-ensemble (rapports de remise, messages joints, format=flowed, paramètres RFC 2231, adresses
 * composées, jeu de caractères rare, structure douteuse) rend `null` : mailparser lit alors le message.
 * mailparser coûte ~120 µs par courriel de 1 Ko, surtout en flux et en objets intermédiaires ; cette
 * lecture ~10 µs.
 */

export interface HeaderLine {
  /** Nom en minuscules. */
  key: string;
  /** La ligne brute, pliage compris (`\r\n` suivi d'espace ou de tabulation). */
  line: string;
}

export interface MailAddress {
  name: string;
  address: string;
}

export interface StructuredValue {
  value: string;
  params: Record<string, string>;
}

export interface MailAttachment {
  contentType: string;
  filename: string | undefined;
  content: Buffer;
}

/** Ce que la relève lit d'un message, qu'il soit lu ici ou par mailparser (mêmes valeurs, mêmes absences). */
export interface MailFacts {
  headerLines: readonly HeaderLine[];
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string[] | string | undefined;
  subject: string | undefined;
  from: MailAddress[] | undefined;
  contentType: Readonly<StructuredValue> | null;
  text: string | undefined;
  html: string | undefined;
  attachments: MailAttachment[];
}

/** Signale une forme hors du sous-ensemble lu ici : le message passe à mailparser. */
class NotSimple extends Error {}

function notSimple(): never {
  throw new NotSimple();
}

/** Jeux de caractères des en-têtes encodés (RFC 2047), sous le nom que libmime leur donne. */
const WORD_CHARSETS = new Map<string, string>([
  ['utf-8', 'UTF-8'],
  ['utf8', 'UTF-8'],
  ['us-ascii', 'windows-1252'],
  ['ascii', 'windows-1252'],
  ['iso-8859-1', 'windows-1252'],
  ['latin1', 'windows-1252'],
  ['windows-1252', 'windows-1252'],
  ['cp1252', 'windows-1252'],
  ['iso-8859-15', 'ISO-8859-15'],
]);
/** Jeux de caractères des corps de texte lus ici (les autres passent par le décodeur de mailparser). */
const BODY_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'iso-8859-1', 'iso-8859-15', 'windows-1252']);
const windows1252 = new TextDecoder('windows-1252');
const iso885915 = new TextDecoder('iso-8859-15');
/** Octets que windows-1252 ne définit pas : iconv-lite (libmime) et TextDecoder ne les rendent pas pareil. */
const UNDEFINED_1252 = /[\u0081\u008d\u008f\u0090\u009d]/;

function decodeCharset(bytes: Buffer, normalized: string): string {
  if (normalized === 'UTF-8') return bytes.toString('utf-8');
  if (normalized === 'ISO-8859-15') return iso885915.decode(bytes);
  const text = windows1252.decode(bytes);
  if (UNDEFINED_1252.test(text)) notSimple();
  return text;
}

function hex(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

/** Un mot encodé, comme `libmime.decodeWord`. */
function decodeWord(charset: string, encoding: string, text: string): string {
  const star = charset.indexOf('*');
  const normalized = WORD_CHARSETS.get((star >= 0 ? charset.slice(0, star) : charset).toLowerCase().trim()) ?? notSimple();
  let bytes: Buffer;
  if (encoding.toUpperCase() === 'Q') {
    const raw = Buffer.from(text.replace(/=\s+([0-9a-fA-F])/g, '=$1').replace(/[_\s]/g, ' '));
    const out: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i] as number;
      if (i <= raw.length - 2 && c === 0x3d) {
        const hi = hex(raw[i + 1] ?? -1);
        const lo = hex(raw[i + 2] ?? -1);
        if (hi >= 0 && lo >= 0) {
          out.push(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      out.push(c);
    }
    bytes = Buffer.from(out);
  } else {
    // libbase64 décode segment par segment les mots collés (remplissage au milieu) : hors sous-ensemble.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) notSimple();
    bytes = Buffer.from(text, 'base64');
  }
  return decodeCharset(bytes, normalized);
}

function sameCharset(left: string, right: string): boolean {
  const a = WORD_CHARSETS.get(left.toLowerCase().trim()) ?? notSimple();
  const b = WORD_CHARSETS.get(right.toLowerCase().trim()) ?? notSimple();
  return a === b;
}

/**
 * Les mots encodés d'un en-tête (RFC 2047), avec les mêmes jointures que `libmime.decodeWords` (la
 * marque de jointure, U+E000, ne peut pas venir d'un en-tête : ils sont en ASCII ici).
 */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value
    .replace(/(=\?([^?]+)\?[Bb]\?[^?]*\?=)\s*(?==\?([^?]+)\?[Bb]\?[^?]*\?=)/g, (match, left: string, a: string, b: string) =>
      sameCharset(a, b) ? `${left}\ue000` : match,
    )
    .replace(/(=\?([^?]+)\?[Qq]\?[^?]*\?=)\s*(?==\?([^?]+)\?[Qq]\?[^?]*\?=)/g, (match, left: string, a: string, b: string) =>
      sameCharset(a, b) ? `${left}\ue000` : match,
    )
    .replace(/(\?=)?\ue000(=\?([^?]+)\?[QqBb]\?)?/g, '')
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?[^?]+\?[QqBb]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([\w_\-*]+)\?([QqBb])\?([^?]*)\?=/g, (_whole, charset: string, encoding: string, text: string) =>
      decodeWord(charset, encoding, text),
    );
}

/** Bloc d'en-têtes : ASCII imprimable, lignes en CRLF, chaque ligne non pliée avec son nom et ses deux-points. */
function headerLines(block: string): HeaderLine[] {
  if (/[^\t\r\n\x20-\x7e]/.test(block) || /\r(?!\n)|(?<!\r)\n/.test(block)) notSimple();
  const lines: HeaderLine[] = [];
  for (const raw of block.split('\r\n')) {
    if (raw.startsWith(' ') || raw.startsWith('\t')) {
      const last = lines.at(-1) ?? notSimple();
      last.line += `\r\n${raw}`;
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0 || !/^[!-9;-~]+$/.test(raw.slice(0, colon))) notSimple();
    lines.push({ key: raw.slice(0, colon).toLowerCase(), line: raw });
  }
  // Une première ligne « From expéditeur date » (mbox) ou « POST … » n'est pas un en-tête pour mailsplit.
  if (lines[0] && /^(?:From|POST) /i.test(lines[0].line)) notSimple();
  return lines;
}

/** La valeur d'une ligne d'en-tête, dépliée et rognée comme `libmime.decodeHeader`. */
function headerValue(line: string): string {
  // Ligne non pliée (le cas courant) : la valeur suit les premiers deux-points (nom non vide, vérifié).
  if (!line.includes('\n')) return line.slice(line.indexOf(':') + 1).trim();
  const unfolded = line.replace(/(?:\r?\n|\r)[ \t]*/g, ' ').trim();
  const match = /^\s*([^:]+):(.*)$/.exec(unfolded);
  return (match?.[2] ?? '').trim();
}

const STRUCTURED_PARAM = /^\s*([A-Za-z0-9!#$%&'+\-.^_`{|}~]+)\s*=\s*(?:"([^"]*)"|([^\s"]+))\s*$/;
const STRUCTURED_VALUE = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+(?:\/[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+)?$/;
/** Les mêmes en-têtes reviennent d'un message à l'autre (`text/plain; charset=utf-8`) : lus une fois. */
const structuredSeen = new Map<string, Readonly<StructuredValue>>();

/**
 * Un en-tête structuré (`type/sous-type; nom=valeur; nom="valeur"`), sans commentaire, sans
 * paramètre RFC 2231 ni échappement : les formes que `libmime.parseHeaderValue` lit sans ambiguïté.
 * Le résultat est partagé : à ne pas modifier.
 */
function structured(value: string): Readonly<StructuredValue> {
  const seen = structuredSeen.get(value);
  if (seen) return seen;
  if (/[()\\]|=\?/.test(value)) notSimple();
  let parts: string[];
  if (!value.includes('"')) parts = value.split(';');
  else {
    parts = [];
    let current = '';
    let quoted = false;
    for (const char of value) {
      if (char === '"') quoted = !quoted;
      if (char === ';' && !quoted) {
        parts.push(current);
        current = '';
      } else current += char;
    }
    if (quoted) notSimple();
    parts.push(current);
  }
  const params: Record<string, string> = {};
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part.trim() === '') continue;
    const match = STRUCTURED_PARAM.exec(part) ?? notSimple();
    const name = (match[1] as string).toLowerCase();
    if (name in params) notSimple();
    params[name] = match[2] ?? match[3] ?? '';
  }
  const main = (parts[0] as string).trim();
  if (!STRUCTURED_VALUE.test(main)) notSimple();
  const result = Object.freeze({ value: main, params: Object.freeze(params) });
  if (structuredSeen.size >= 256) structuredSeen.clear();
  structuredSeen.set(value, result);
  return result;
}

/** Une seule occurrence de chacun de ces en-têtes, pour ne pas dépendre de celle que mailsplit retient. */
function single(lines: HeaderLine[], key: string): string | undefined {
  let found: string | undefined;
  for (const l of lines) {
    if (l.key !== key) continue;
    if (found !== undefined) notSimple();
    found = headerValue(l.line);
  }
  return found;
}

interface Node {
  contentType: string;
  charset: string | undefined;
  encoding: string;
  disposition: string | undefined;
  filename: string | undefined;
  boundary: string | undefined;
  body: string;
  children: Node[];
  root: boolean;
}

function nodeOf(lines: HeaderLine[], body: string, root: boolean, parentIsMultipart: boolean): Node {
  const typeHeader = single(lines, 'content-type');
  const dispositionHeader = single(lines, 'content-disposition');
  const encodingHeader = single(lines, 'content-transfer-encoding');
  if (typeHeader === undefined && dispositionHeader !== undefined) notSimple();
  const type = structured(typeHeader ?? 'text/plain');
  const disposition = dispositionHeader !== undefined ? structured(dispositionHeader) : undefined;
  if (type.params.format !== undefined || (encodingHeader !== undefined && /[()"]/.test(encodingHeader))) notSimple();
  const contentType = type.value.toLowerCase();
  if (!root && !parentIsMultipart) notSimple();
  // Un nom vide ne compte pas (mailsplit : `filename || name || false`).
  const filename = disposition?.params.filename || type.params.name || undefined;
  return {
    contentType,
    charset: type.params.charset,
    encoding: (encodingHeader ?? '').toLowerCase().trim(),
    disposition: disposition?.value.toLowerCase(),
    filename: filename === undefined ? undefined : decodeWords(filename),
    boundary: type.params.boundary,
    body,
    children: [],
    root,
  };
}

/** Les parties d'un corps `multipart/*`, séparées par des lignes `--délimiteur` exactes, fin `--délimiteur--` exigée. */
function splitParts(body: string, boundary: string): string[] {
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary)) notSimple();
  // mailsplit coupe aussi les lignes sur un LF seul : un délimiteur derrière un LF seul serait vu par lui seul.
  if (/\r(?!\n)|(?<!\r)\n/.test(body)) notSimple();
  const open = `--${boundary}`;
  const lines = body.split('\r\n');
  const parts: string[] = [];
  let current: string[] | null = null;
  let closed = false;
  for (const line of lines) {
    if (closed) {
      // Épilogue : ignoré par mailsplit, sauf s'il ressemble à une frontière (ambigu).
      if (line.startsWith('--')) notSimple();
      continue;
    }
    if (line.startsWith(open)) {
      if (line === open) {
        if (current) parts.push(current.join('\r\n'));
        current = [];
      } else if (line === `${open}--`) {
        if (!current) notSimple();
        parts.push(current.join('\r\n'));
        closed = true;
      } else notSimple();
      continue;
    }
    // Le préambule (avant le premier délimiteur) est ignoré ; une ligne qui commence par « -- » y est ambiguë.
    if (current) current.push(line);
    else if (line.startsWith('--')) notSimple();
  }
  if (!closed || parts.length === 0) notSimple();
  return parts;
}

function partOf(raw: string, parentIsMultipart: boolean): Node {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) notSimple();
  const block = raw.slice(0, end);
  const body = raw.slice(end + 4);
  // Corps vide juste avant le délimiteur : mailsplit y garde un saut de ligne (cas limite, laissé à mailparser).
  if (body === '') notSimple();
  return nodeOf(block === '' ? [] : headerLines(block), body, false, parentIsMultipart);
}

const TEXT_TYPES = new Set(['text/plain', 'text/html']);

function isTextNode(node: Node): boolean {
  return TEXT_TYPES.has(node.contentType) && (node.disposition === undefined || node.disposition === 'inline');
}

/** Les formes lues ici : texte seul, alternative de textes, ou mixte (texte ou alternative, puis pièces jointes). */
function checkTree(root: Node) {
  const texts = (node: Node) => {
    if (!isTextNode(node) || node.filename !== undefined) notSimple();
  };
  if (root.contentType === 'multipart/alternative') {
    for (const child of root.children) texts(child);
  } else if (root.contentType === 'multipart/mixed') {
    const [first, ...rest] = root.children;
    if (!first) notSimple();
    if (first.contentType === 'multipart/alternative') for (const child of first.children) texts(child);
    else texts(first);
    for (const child of rest) {
      const type = child.contentType;
      if (type.startsWith('text/') || type.startsWith('multipart/') || type.startsWith('message/')) notSimple();
      // mailparser devine le type d'un application/octet-stream par l'extension du nom : hors sous-ensemble.
      if (type === 'application/octet-stream' || !type.includes('/')) notSimple();
      if (child.disposition !== undefined && child.disposition !== 'attachment' && child.disposition !== 'inline') notSimple();
    }
  } else if (root.contentType.startsWith('multipart/')) notSimple();
  else texts(root);
}

function build(node: Node) {
  if (!node.contentType.startsWith('multipart/')) return;
  if (node.boundary === undefined) notSimple();
  for (const raw of splitParts(node.body, node.boundary)) {
    const child = partOf(raw, true);
    if (child.contentType.startsWith('multipart/')) {
      // Une seule imbrication : l'alternative d'un message mixte.
      if (node.contentType !== 'multipart/mixed' || child.contentType !== 'multipart/alternative') notSimple();
      build(child);
    }
    node.children.push(child);
  }
}

/** Le corps décodé (base64, quoted-printable, ou tel quel), en octets. */
function decodeBody(node: Node): Buffer {
  if (node.encoding === 'base64') {
    const compact = node.body.replace(/\r\n/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) notSimple();
    return Buffer.from(compact, 'base64');
  }
  if (node.encoding === 'quoted-printable') return decodeQuotedPrintable(node.body);
  if (node.encoding !== '' && node.encoding !== '7bit' && node.encoding !== '8bit' && node.encoding !== 'binary') notSimple();
  return Buffer.from(node.body, 'latin1');
}

/** Quoted-printable comme `libqp.decode` : blancs de fin de ligne retirés, sauts de ligne doux retirés, =XX décodés. */
function decodeQuotedPrintable(body: string): Buffer {
  const input = body.replace(/(^|[^ \t])[ \t]+(?=[\n\r\u2028\u2029]|$)/g, '$1').replace(/[=](?:\r?\n|$)/g, '');
  const out = Buffer.allocUnsafe(input.length);
  let length = 0;
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code === 0x3d && i < input.length - 2) {
      const hi = hex(input.charCodeAt(i + 1));
      const lo = hex(input.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out[length++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[length++] = code;
  }
  return out.subarray(0, length);
}

/** Texte d'une partie, comme mailparser : UTF-8 (ou ASCII) tel quel, sinon le décodeur du jeu de caractères. */
function textOf(node: Node): string {
  const bytes = decodeBody(node);
  const charset = node.charset ?? 'utf-8';
  const label = charset.trim().toLowerCase();
  if (!BODY_CHARSETS.has(label)) notSimple();
  const plain = ['ascii', 'usascii', 'utf8'].includes(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''));
  const text = plain ? bytes.toString() : new TextDecoder(label).decode(bytes);
  return text.replace(/\r?\n/g, '\n');
}

/** Texte et HTML du message, selon les règles de `getTextContent` de mailparser (options de la relève). */
function textContent(root: Node): { text: string | undefined; html: string | undefined } {
  const all: Node[] = [];
  const walk = (node: Node) => {
    all.push(node);
    for (const child of node.children) walk(child);
  };
  walk(root);
  const inline = all.filter((n) => !n.contentType.startsWith('multipart/') && isTextNode(n));
  const hasText = inline.some((n) => n.contentType === 'text/plain');
  const contents = new Map(inline.map((n) => [n, textOf(n)]));
  const text: string[] = [];
  const html: string[] = [];
  const visit = (alternative: boolean, node: Node) => {
    const content = contents.get(node);
    if (content) {
      if (node.contentType === 'text/plain') text.push(content);
      else {
        if ((!alternative && hasText) || (node.root && !hasText)) text.push('');
        html.push(content);
      }
    }
    const nested = alternative || node.contentType === 'multipart/alternative';
    for (const child of node.children) visit(nested, child);
  };
  visit(false, root);
  return {
    text: text.length > 0 ? text.join('\n') : undefined,
    html: html.length > 0 ? html.join('<br/>\n') : undefined,
  };
}

/** Le Message-ID entre chevrons, comme `ensureMessageIDFormat` ; vide : absent. */
function messageIdFormat(value: string): string | undefined {
  if (value.length === 0) return undefined;
  return `${value.startsWith('<') ? '' : '<'}${value}${value.endsWith('>') ? '' : '>'}`;
}

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+";
const ADDRESS = new RegExp(`^(${ATOM}@[A-Za-z0-9.-]+)$`);
const NAMED = new RegExp(`^(?:"([^"\\\\]*)"|(${ATOM}(?: ${ATOM})*))? ?<(${ATOM}@[A-Za-z0-9.-]+)>$`);

/** L'expéditeur sous ses formes simples (`a@b`, `<a@b>`, `Nom <a@b>`, `"Nom" <a@b>`) ; les autres passent à mailparser. */
function addresses(value: string): MailAddress[] {
  if (value === '') return [];
  const bare = ADDRESS.exec(value);
  const named = bare ? null : NAMED.exec(value);
  const address = bare?.[1] ?? named?.[3] ?? notSimple();
  // Domaine internationalisé (punycode) : mailparser le décode.
  if (/@xn--/i.test(address) || address.includes('=?')) notSimple();
  const name = (named?.[1] ?? named?.[2] ?? '').trim();
  return [{ name: name ? decodeWords(name) : '', address }];
}

/**
 * Les faits d'un message de forme simple, ou null (forme à laisser à mailparser). Ne lève jamais.
 */
export function readSimpleMessage(source: Buffer): MailFacts | null {
  try {
    return read(source);
  } catch (error) {
    if (error instanceof NotSimple) return null;
    // Toute autre erreur ici est un cas non prévu : mailparser tranchera.
    return null;
  }
}

function read(source: Buffer): MailFacts {
  const raw = source.toString('latin1');
  const end = raw.indexOf('\r\n\r\n');
  if (end <= 0) notSimple();
  const lines = headerLines(raw.slice(0, end));
  const root = nodeOf(lines, raw.slice(end + 4), true, false);
  build(root);
  checkTree(root);
  if (root.contentType.startsWith('multipart/') && !source.includes(`--${root.boundary}`)) notSimple();

  // En-têtes du message : première valeur non vide (comme mailparser), les références toutes.
  const first = (key: string) => {
    for (const l of lines) if (l.key === key) return headerValue(l.line);
    return undefined;
  };
  const firstNonEmpty = (key: string, transform: (value: string) => string | undefined) => {
    for (const l of lines) {
      if (l.key !== key) continue;
      const value = transform(headerValue(l.line));
      if (value) return value;
    }
    return undefined;
  };
  const references: string[] = [];
  for (const l of lines)
    if (l.key === 'references')
      for (const token of decodeWords(headerValue(l.line)).split(/\s+/)) {
        const id = messageIdFormat(token);
        if (id) references.push(id);
      }
  const fromValue = first('from');
  const typeValue = first('content-type');
  const { text, html } = textContent(root);
  const attachments: MailAttachment[] = [];
  for (const child of root.contentType === 'multipart/mixed' ? root.children.slice(1) : []) {
    attachments.push({ contentType: child.contentType, filename: child.filename, content: decodeBody(child) });
  }
  return {
    headerLines: lines,
    messageId: firstNonEmpty('message-id', (v) => messageIdFormat(decodeWords(v))),
    inReplyTo: firstNonEmpty('in-reply-to', (v) => messageIdFormat(decodeWords(v))),
    references: references.length === 0 ? undefined : references.length === 1 ? references[0] : references,
    subject: firstNonEmpty('subject', decodeWords),
    from: fromValue === undefined ? undefined : addresses(fromValue),
    contentType: typeValue === undefined ? null : structured(typeValue),
    text,
    html,
    attachments,
  };
}
