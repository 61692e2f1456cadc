import { crc32, inflateRawSync, inflateSync } from 'node:zlib';

/**
 * Lecture des fichiers produits par Vigie dans les tests, sans outil extérieur : archive ZIP (DOCX,
 * XLSX) et texte d'un PDF (flux décompressés, glyphes décodés par la table ToUnicode de chaque police).
 */

/** Les fichiers d'une archive ZIP ; lève une erreur si l'archive est invalide (structure ou CRC). */
export function readZip(archive: Buffer): Map<string, Buffer> {
  const eocd = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('ZIP : fin du répertoire central introuvable');
  const count = archive.readUInt16LE(eocd + 10);
  let offset = archive.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(offset) !== 0x02014b50) throw new Error('ZIP : entrée du répertoire central invalide');
    const method = archive.readUInt16LE(offset + 10);
    const crc = archive.readUInt32LE(offset + 16);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localOffset = archive.readUInt32LE(offset + 42);
    const name = archive.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    if (archive.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`ZIP : en-tête local invalide pour ${name}`);
    const dataStart = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
    const raw = archive.subarray(dataStart, dataStart + compressedSize);
    const content = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : null;
    if (!content) throw new Error(`ZIP : méthode de compression ${method} inattendue pour ${name}`);
    if (crc32(content) !== crc) throw new Error(`ZIP : CRC invalide pour ${name}`);
    files.set(name, content);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

/** Le texte d'un XML Office : contenu des éléments `w:t`, un paragraphe `w:p` par ligne. */
export function wordText(xml: string): string {
  return xml
    .replace(/<w:br\/>/g, '\n')
    .replace(/<\/w:p>/g, '\n')
    .replace(/<w:tab\/>/g, '\t')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export interface PdfObject {
  id: number;
  dict: string;
  /** Flux décompressé, s'il y en a un. */
  stream: Buffer | null;
}

/** Les objets d'un PDF non chiffré, sans flux d'objets (la forme que produit pdfkit). */
export function pdfObjects(pdf: Buffer): PdfObject[] {
  const text = pdf.toString('latin1');
  const objects: PdfObject[] = [];
  const start = /(\d+) 0 obj\s/g;
  for (let match = start.exec(text); match; match = start.exec(text)) {
    const bodyStart = match.index + match[0].length;
    const end = text.indexOf('endobj', bodyStart);
    const streamAt = text.indexOf('stream', bodyStart);
    if (streamAt >= 0 && streamAt < end) {
      const dict = text.slice(bodyStart, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? Number.NaN);
      const dataStart = streamAt + (text[streamAt + 6] === '\r' ? 8 : 7);
      const raw = pdf.subarray(dataStart, dataStart + length);
      const stream = dict.includes('/FlateDecode') ? inflateSync(raw) : Buffer.from(raw);
      objects.push({ id: Number(match[1]), dict, stream });
      start.lastIndex = text.indexOf('endobj', dataStart + length);
    } else {
      objects.push({ id: Number(match[1]), dict: text.slice(bodyStart, end), stream: null });
      start.lastIndex = end;
    }
  }
  return objects;
}

/** Table ToUnicode d'une police (plages « bfrange » à tableau, la forme de pdfkit) : CID → texte. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const range = /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/g;
  for (let match = range.exec(cmap); match; match = range.exec(cmap)) {
    let cid = Number.parseInt(match[1] ?? '0', 16);
    for (const entry of (match[3] ?? '').matchAll(/<([0-9a-fA-F ]+)>/g)) {
      const units = (entry[1] ?? '').trim().split(/\s+/);
      map.set(cid++, String.fromCharCode(...units.map((u) => Number.parseInt(u, 16))));
    }
  }
  return map;
}

export interface PdfFont {
  resourceName: string;
  baseFont: string;
  /** Le programme de la police est incorporé (FontFile, FontFile2 ou FontFile3). */
  embedded: boolean;
  toUnicode: Map<number, string>;
}

/** Les polices Type0 du PDF, avec leur nom de ressource (/F1…) et leur table ToUnicode. */
export function pdfFonts(pdf: Buffer): PdfFont[] {
  const objects = pdfObjects(pdf);
  const byId = new Map(objects.map((o) => [o.id, o]));
  const resourceNames = new Map<number, string>();
  for (const o of objects) {
    for (const m of o.dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) resourceNames.set(Number(m[2]), m[1] ?? '');
  }
  const fonts: PdfFont[] = [];
  for (const o of objects) {
    if (!/\/Type \/Font/.test(o.dict) || !/\/Subtype \/Type0/.test(o.dict)) continue;
    const descendant = byId.get(Number(/\/DescendantFonts \[(\d+) 0 R\]/.exec(o.dict)?.[1]));
    const descriptor = byId.get(Number(/\/FontDescriptor (\d+) 0 R/.exec(descendant?.dict ?? '')?.[1]));
    const cmap = byId.get(Number(/\/ToUnicode (\d+) 0 R/.exec(o.dict)?.[1]));
    fonts.push({
      resourceName: resourceNames.get(o.id) ?? '',
      baseFont: /\/BaseFont \/([^\s/]+)/.exec(o.dict)?.[1] ?? '',
      embedded: /\/FontFile[23]? \d+ 0 R/.test(descriptor?.dict ?? ''),
      toUnicode: parseToUnicode(cmap?.stream?.toString('latin1') ?? ''),
    });
  }
  return fonts;
}

/**
 * Le texte affiché par un PDF, page après page : chaque bloc BT…ET devient une ligne. Les polices
 * sont en codage Identity-H (deux octets par glyphe), comme celles incorporées par pdfkit ; un glyphe
 * sans correspondance devient U+FFFD.
 */
export function pdfText(pdf: Buffer): string {
  const fonts = new Map(pdfFonts(pdf).map((f) => [f.resourceName, f]));
  const objects = pdfObjects(pdf);
  const byId = new Map(objects.map((o) => [o.id, o]));
  const pages = objects.filter((o) => /\/Type \/Page\b/.test(o.dict));
  const out: string[] = [];
  for (const page of pages) {
    const contents = byId.get(Number(/\/Contents (\d+) 0 R/.exec(page.dict)?.[1]));
    const content = contents?.stream?.toString('latin1') ?? '';
    let font: PdfFont | undefined;
    let line = '';
    const decode = (hex: string) => {
      for (const code of hex.match(/[0-9a-fA-F]{4}/g) ?? []) line += font?.toUnicode.get(Number.parseInt(code, 16)) ?? '\ufffd';
    };
    const token = /\/(F\d+) [\d.]+ Tf|\[([^\]]*)\] ?TJ|<([0-9a-fA-F]*)> ?Tj|\bET\b/g;
    for (let m = token.exec(content); m; m = token.exec(content)) {
      if (m[1]) font = fonts.get(m[1]);
      else if (m[2] !== undefined) {
        // Texte justifié : pdfkit remplace l'espace par un décalage négatif, qu'on relit comme une espace.
        for (const part of m[2].matchAll(/<([0-9a-fA-F]*)>|(-?[\d.]+)/g)) {
          if (part[1] !== undefined) decode(part[1]);
          else if (Number(part[2]) < -200) line += ' ';
        }
      } else if (m[3] !== undefined) decode(m[3]);
      else {
        out.push(line);
        line = '';
      }
    }
  }
  return out.join('\n');
}
