import { AlignmentType, Document, Footer, HeadingLevel, Packer, PageNumber, Paragraph, TextRun } from 'docx';
import { brandLines } from '../../shared/brand.ts';
import { DOCX_FONT, DOCX_TEXT_WIDTH, docxBrandParagraphs, docxLines, docxTwoColumnHeader } from '../../shared/docx-parts.ts';
import { formatNumber, valueText } from '../indicators/indicator-number.ts';
import { formatTarget, TARGET_STATUS_LABELS } from '../indicators/target.ts';
import { bodyParagraphs, longFrenchDate } from '../mail/letter.ts';
import type { CluDeckSnapshot } from './clu-deck-snapshot.ts';

/**
 * Le compte rendu d'une réunion du CLU, sur la mise en page du compte rendu de l'Allier (seed) :
 * bloc-marque et service émetteur (« Affaire suivie par »), lieu et date, « COMPTE-RENDU », objet,
 * pièces jointes, phrase d'ouverture, ordre du jour, présents, une section numérotée par point avec
 * les chiffres du support et les observations, propositions, levée de séance, signature, destinataires.
 * Domaine pur : les chiffres viennent de l'instantané du support (`CluDeckSnapshot`), jamais de la base.
 */
export const MINUTES_VERSION = 1;
/** Observations ou décisions d'un point : une page et demie de texte suffit largement à un compte rendu. */
export const MINUTES_TEXT_MAX = 5000;
export const NO_DATA = 'Aucune donnée pour la période.';
export const NO_ATTENDEE = 'Aucun participant enregistré.';

export interface MinutesItem {
  /** Clé du point de l'ordre du jour (`surveys`, `indicators`…, `custom-<n>`). */
  key: string;
  title: string;
  /** Chiffres du point, écrits depuis l'instantané du support. */
  figures: string[];
  observations: string;
  decisions: string;
}

/** Ce que le référent modifie ; gardé dans `clu_meetings.minutes_json`. */
export interface MinutesContent {
  version: typeof MINUTES_VERSION;
  /** Date du compte rendu (« Moulins, le 08/03/2022 »), `AAAA-MM-JJ`. */
  documentDate: string;
  /** Service émetteur sous le bloc-marque, une ligne chacun. */
  serviceLines: string[];
  followedBy: { name: string; phone: string; email: string };
  signatory: { title: string; name: string };
  /** Destinataires, un par ligne. */
  distribution: string[];
  /** Nombre de pièces jointes (« PJ : 3. »). */
  enclosures: number;
  items: MinutesItem[];
}

/** Un représentant tel que la réunion le connaît (détail de la réunion). */
export interface MinutesAttendee {
  /** Nom affiché (« Membre retiré » une fois les coordonnées effacées) : repli quand prénom et nom manquent. */
  name: string;
  civility: string | null;
  firstName: string | null;
  lastName: string | null;
  function: string | null;
  organisation: string | null;
  /** `present`, `excused`, `absent` ou `invited`. */
  status: string;
}

/** La réunion, vue du compte rendu. */
export interface MinutesMeeting {
  id: string;
  /** `AAAA-MM-JJTHH:MM`, heure locale. */
  startsAt: string;
  place: string;
  chair: string;
  agenda: { key: string; title: string }[];
  attendees: MinutesAttendee[];
  /** Propositions formulées pendant la réunion. */
  proposals: { text: string; memberOrganisation: string | null }[];
}

/** Le compte rendu complet, tel que le DOCX et le PDF l'écrivent et tel qu'il est figé à l'approbation. */
export interface MinutesDocument {
  version: typeof MINUTES_VERSION;
  organisation: { name: string; brand: string; city: string };
  meeting: { id: string; startsAt: string; place: string; chair: string };
  content: MinutesContent;
  /** « M. Prénom NOM, fonction, représentant … ». */
  attendees: string[];
  excused: string[];
  proposals: string[];
  approved: { at: string; byName: string } | null;
}

const COLON = '\u00a0:';

function plural(count: number, one: string, many: string): string {
  return `${formatNumber(count)} ${count > 1 ? many : one}`;
}

/** « 08/03/2022 ». */
export function numericDate(isoDate: string): string {
  return isoDate.slice(0, 10).split('-').reverse().join('/');
}

/** « 10h30 », « 14h ». */
export function frenchTime(startsAt: string): string {
  const [hours, minutes] = (startsAt.slice(11, 16) || '00:00').split(':');
  return `${Number(hours)}h${minutes === '00' ? '' : minutes}`;
}

export function minutesSubject(startsAt: string): string {
  return `Comité local des usagers du ${numericDate(startsAt)}.`;
}

// ——— Les chiffres de chaque point, depuis l'instantané du support ———

function surveyFigures(s: CluDeckSnapshot): string[] {
  const lines = s.surveys
    .filter((c) => c.responses > 0)
    .map((c) => {
      const rate =
        c.global.rate === null
          ? 'taux de satisfaction global non mesurable (aucune réponse exprimée)'
          : `taux de satisfaction global ${valueText(c.global.rate, 'percent')} (n = ${formatNumber(c.global.n)}${c.global.n < 30 ? ', indicatif' : ''})`;
      return `${c.channelLabel}${COLON} ${plural(c.responses, 'réponse', 'réponses')}, ${rate}`;
    });
  return lines.length > 0 ? lines : [NO_DATA];
}

function extraFigures(s: CluDeckSnapshot, key: string): string[] {
  const section = s.extraSections.find((x) => x.key === key);
  const lines = (section?.slides ?? []).map((slide) =>
    slide.bullets.length > 0 ? `${slide.title}${COLON} ${slide.bullets.join(' ; ')}` : slide.title,
  );
  return lines.length > 0 ? lines : [NO_DATA];
}

function indicatorLabel(indicator: { code: string | null; key: string; label: string }): string {
  return `${indicator.code ?? indicator.key} ${indicator.label}`;
}

function indicatorFigures(s: CluDeckSnapshot): string[] {
  const table = s.indicators;
  const evaluated = table.rows.filter((r) => r.year.target !== null);
  if (evaluated.length === 0) return [NO_DATA];
  const met = evaluated.filter((r) => r.year.target === 'met');
  const onTrack = evaluated.filter((r) => r.year.target === 'on_track');
  const missed = evaluated.filter((r) => r.year.target === 'not_met' || r.year.target === 'behind');
  const lines = [
    `${formatNumber(met.length)} indicateur${met.length > 1 ? 's' : ''} sur ${formatNumber(evaluated.length)} ${met.length > 1 ? 'atteignent leur' : 'atteint sa'} cible en ${table.year}${onTrack.length > 0 ? `, ${formatNumber(onTrack.length)} en bonne voie` : ''}${missed.length > 0 ? ` ; non atteints${COLON} ${missed.map((r) => r.indicator.code ?? r.indicator.key).join(', ')}` : ''}.`,
  ];
  for (const r of missed) {
    const fraction =
      r.year.numerator !== null && r.year.denominator !== null && r.indicator.unit === 'percent'
        ? ` (${formatNumber(r.year.numerator)} sur ${formatNumber(r.year.denominator)})`
        : '';
    const value = r.year.value === null ? 'non mesuré' : `${valueText(r.year.value, r.indicator.unit)}${fraction}`;
    lines.push(
      `${indicatorLabel(r.indicator)}${COLON} ${value} pour une cible ${formatTarget(r.target, r.indicator.unit)} (${TARGET_STATUS_LABELS[r.year.target ?? 'not_met']})`,
    );
  }
  if (missed.length === 0) lines.push('Toutes les cibles évaluées sont atteintes ou en bonne voie.');
  return lines;
}

function counts(items: { label: string; count: number }[]): string {
  return items.map((i) => `${i.label} ${formatNumber(i.count)}`).join(', ');
}

function complaintFigures(s: CluDeckSnapshot): string[] {
  const c = s.complaints;
  if (c.total === 0) return [NO_DATA];
  const lines = [
    `${plural(c.total, 'réclamation ou suggestion enregistrée', 'réclamations et suggestions enregistrées')} sur la période.`,
  ];
  if (c.byKind.length > 0) lines.push(`Par nature${COLON} ${counts(c.byKind)}.`);
  if (c.byChannel.length > 0) lines.push(`Par canal${COLON} ${counts(c.byChannel)}.`);
  if (c.byTheme.length > 0) {
    const themes = [...c.byTheme].sort((a, b) => b.count - a.count).slice(0, 5);
    lines.push(`Principaux thèmes${COLON} ${counts(themes.map((t) => ({ label: t.theme, count: t.count })))}.`);
  }
  const f = c.followUp;
  lines.push(
    `Suites données${COLON} ${plural(f.answeredInTime, 'réponse', 'réponses')} dans le délai, ${formatNumber(f.answeredLate)} hors délai, ${formatNumber(f.unanswered)} sans réponse ; ${plural(f.actionsCreated, 'action engagée', 'actions engagées')}.`,
  );
  return lines;
}

function templateFigures(s: CluDeckSnapshot): string[] {
  if (s.templates.length === 0) return ['Aucun modèle soumis pour avis.'];
  return s.templates.map(
    (t) =>
      `${t.purposeLabel} « ${t.name} »${COLON} ${t.opinion?.trim() ? `avis du comité — ${t.opinion.trim()}` : 'avis à recueillir en séance'}`,
  );
}

function actionFigures(s: CluDeckSnapshot): string[] {
  const a = s.actionPlan;
  if (a.done.length + a.inProgress.length + a.created.length === 0) return [NO_DATA];
  const lines = [
    `Plan d’actions${COLON} ${plural(a.done.length, 'action réalisée', 'actions réalisées')}, ${formatNumber(a.inProgress.length)} en cours, ${plural(a.created.length, 'nouvelle action', 'nouvelles actions')}.`,
  ];
  for (const o of a.byOrigin.filter((x) => x.done > 0)) {
    lines.push(
      `${plural(o.done, 'action mise en place', 'actions mises en place')} (${o.originLabel})${o.titles.length > 0 ? `${COLON} ${o.titles.join(' ; ')}` : ''}.`,
    );
  }
  return lines;
}

function proposalFigures(s: CluDeckSnapshot): string[] {
  const p = s.proposals;
  if (!p.previousMeetingStartsAt) return ['Première réunion du comité : aucune proposition à suivre.'];
  const date = numericDate(p.previousMeetingStartsAt);
  if (p.items.length === 0) return [`Aucune proposition formulée lors du comité du ${date}.`];
  return [
    `Suivi des ${plural(p.items.length, 'proposition formulée', 'propositions formulées')} lors du comité du ${date}${COLON}`,
    ...p.items.map(
      (i) =>
        `${i.text}${i.memberOrganisation ? ` (${i.memberOrganisation})` : ''}${COLON} ${i.statusLabel}${i.followUp ? ` — ${i.followUp}` : ''}${i.actionNumber !== null ? ` (action n° ${i.actionNumber})` : ''}.`,
    ),
  ];
}

function demarcheFigures(s: CluDeckSnapshot): string[] {
  const lines = s.perimeter.modules.map(
    // Le support écrit « Module 1 » ; un code nu (« 1 ») reçoit le mot.
    (m) =>
      `${/^module\b/i.test(m.code) ? m.code : `Module ${m.code}`} « ${m.title} »${COLON} ${plural(m.engagements.length, 'engagement', 'engagements')}.`,
  );
  return [
    `Période couverte${COLON} du ${longFrenchDate(s.meeting.periodFrom)} au ${longFrenchDate(s.meeting.periodTo)}.`,
    ...(lines.length > 0 ? [`Périmètre du label${COLON}`, ...lines] : []),
  ];
}

/** Les chiffres d'un point de l'ordre du jour ; rien pour les points libres et les questions. */
export function minutesFigures(snapshot: CluDeckSnapshot, key: string): string[] {
  switch (key) {
    case 'demarche':
      return demarcheFigures(snapshot);
    case 'surveys':
      return surveyFigures(snapshot);
    case 'mystery':
      return extraFigures(snapshot, 'mystery');
    case 'indicators':
      return indicatorFigures(snapshot);
    case 'complaints':
      return complaintFigures(snapshot);
    case 'templates':
      return templateFigures(snapshot);
    case 'action_plan':
      return actionFigures(snapshot);
    case 'proposals_follow_up':
      return proposalFigures(snapshot);
    default:
      return [];
  }
}

// ——— Contenu : valeurs par défaut et fusion avec ce qui a été enregistré ———

export interface MinutesDefaults {
  /** Date locale du jour, `AAAA-MM-JJ`. */
  today: string;
  followedBy: { name: string; phone: string; email: string };
  /** Services de la préfecture (destinataires par défaut). */
  services: string[];
  /** Le support a été généré : il est joint (« PJ : 1. »). */
  deckGenerated: boolean;
}

/** « M. Alexandre SANZ, secrétaire général » → « Alexandre SANZ ». */
function signatoryName(chair: string): string {
  const name = chair.split(',')[0]?.trim() ?? '';
  return name.replace(/^(M\.|Mme|Monsieur|Madame)\s+/i, '');
}

function unique(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.trim().toLocaleLowerCase('fr-FR');
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Le compte rendu pré-rempli : les chiffres du support, observations vides, en-tête et destinataires par défaut. */
export function defaultMinutesContent(snapshot: CluDeckSnapshot, meeting: MinutesMeeting, d: MinutesDefaults): MinutesContent {
  return {
    version: MINUTES_VERSION,
    documentDate: d.today,
    serviceLines: ['Secrétariat général', 'Mission qualité'],
    followedBy: d.followedBy,
    signatory: { title: 'Le président de séance,', name: signatoryName(meeting.chair) },
    distribution: unique([
      // Comme dans le seed : tous les organismes invités, présents ou non, puis les services de la préfecture.
      ...meeting.attendees.map((a) => a.organisation ?? ''),
      ...d.services,
    ]),
    enclosures: d.deckGenerated ? 1 : 0,
    items: meeting.agenda.map((a) => ({
      key: a.key,
      title: a.title,
      figures: minutesFigures(snapshot, a.key),
      observations: '',
      decisions: '',
    })),
  };
}

/**
 * Le contenu enregistré, remis sur l'ordre du jour actuel : les chiffres sont ceux de l'instantané
 * (le support a pu être régénéré depuis), les observations et décisions restent attachées à la clé
 * de leur point. Un point retiré de l'ordre du jour disparaît du compte rendu.
 */
export function mergeMinutesContent(stored: MinutesContent | null, fresh: MinutesContent): MinutesContent {
  if (!stored) return fresh;
  const byKey = new Map(stored.items.map((i) => [i.key, i]));
  return {
    ...fresh,
    documentDate: stored.documentDate || fresh.documentDate,
    serviceLines: stored.serviceLines,
    followedBy: stored.followedBy,
    signatory: stored.signatory,
    distribution: stored.distribution,
    enclosures: stored.enclosures,
    items: fresh.items.map((item) => {
      const saved = byKey.get(item.key);
      return saved ? { ...item, observations: saved.observations, decisions: saved.decisions } : item;
    }),
  };
}

/** « M. Séraphin ASENSIO, adjoint au chef du bureau, représentant la chambre de métiers ». */
export function attendeeLine(a: MinutesAttendee): string {
  const name = a.lastName?.trim()
    ? [a.civility, a.firstName, a.lastName.toLocaleUpperCase('fr-FR')].filter((x) => x?.trim()).join(' ')
    : a.name;
  return [name, a.function?.trim(), a.organisation?.trim() ? `représentant ${a.organisation.trim()}` : null]
    .filter(Boolean)
    .join(', ');
}

export function minutesDocument(
  snapshot: CluDeckSnapshot,
  meeting: MinutesMeeting,
  content: MinutesContent,
  approved: MinutesDocument['approved'] = null,
): MinutesDocument {
  return {
    version: MINUTES_VERSION,
    organisation: { ...snapshot.organisation },
    meeting: { id: meeting.id, startsAt: meeting.startsAt, place: meeting.place, chair: meeting.chair },
    content,
    attendees: meeting.attendees.filter((a) => a.status === 'present').map(attendeeLine),
    excused: meeting.attendees.filter((a) => a.status === 'excused').map(attendeeLine),
    proposals: meeting.proposals.map((p) => `${p.text}${p.memberOrganisation ? ` (${p.memberOrganisation})` : ''}`),
    approved,
  };
}

// ——— Le texte, commun au DOCX et au PDF ———

export function openingSentence(doc: MinutesDocument): string {
  const m = doc.meeting;
  const place = m.place.trim() ? ` (${m.place.trim()})` : '';
  return `Le ${longFrenchDate(m.startsAt.slice(0, 10))} à ${frenchTime(m.startsAt)}, s’est tenu le comité local des usagers${place}, présidé par ${m.chair}.`;
}

export const CLOSING_SENTENCE = 'Aucune autre observation n’étant recueillie, la séance est levée.';

export function senderLines(content: MinutesContent): string[] {
  const f = content.followedBy;
  return [
    ...content.serviceLines,
    ...(f.name ? [`Affaire suivie par${COLON} ${f.name}`] : []),
    ...(f.phone ? [`Tél${COLON} ${f.phone}`] : []),
    ...(f.email ? [`Courriel${COLON} ${f.email}`] : []),
  ];
}

/** « 1 - Titre », la numérotation des points de l'ordre du jour du seed. */
export function itemHeading(index: number, title: string): string {
  return `${index + 1} - ${title}`;
}

/** Les éléments d'une liste terminés comme dans le seed : virgule, point final au dernier. */
function listLines(items: string[]): string[] {
  return items.map((line, index) => `${line.replace(/[.,;]$/, '')}${index === items.length - 1 ? '.' : ','}`);
}

/** Le corps du compte rendu en blocs : titres, paragraphes et listes, dans l'ordre du document. */
export type MinutesBlock =
  | { kind: 'title'; text: string }
  | { kind: 'label'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'signature'; lines: string[] };

export function minutesBlocks(doc: MinutesDocument): MinutesBlock[] {
  const c = doc.content;
  const blocks: MinutesBlock[] = [
    { kind: 'title', text: 'COMPTE-RENDU' },
    { kind: 'label', text: `OBJET${COLON} ${minutesSubject(doc.meeting.startsAt)}` },
    { kind: 'label', text: `PJ${COLON} ${c.enclosures}.` },
    { kind: 'paragraph', text: openingSentence(doc) },
    { kind: 'paragraph', text: `L’ordre du jour était le suivant${COLON}` },
    { kind: 'list', items: c.items.map((item, index) => `${itemHeading(index, item.title)}.`) },
    { kind: 'paragraph', text: `Étaient présents${COLON}` },
  ];
  blocks.push(
    doc.attendees.length > 0 ? { kind: 'list', items: listLines(doc.attendees) } : { kind: 'paragraph', text: NO_ATTENDEE },
  );
  if (doc.excused.length > 0) {
    blocks.push({ kind: 'paragraph', text: `Étaient excusés${COLON}` }, { kind: 'list', items: listLines(doc.excused) });
  }
  const proposals: MinutesBlock[] =
    doc.proposals.length > 0
      ? [
          { kind: 'paragraph', text: `Propositions formulées par les membres du comité${COLON}` },
          { kind: 'list', items: listLines(doc.proposals) },
          { kind: 'paragraph', text: 'Elles feront l’objet d’un bilan lors du prochain comité.' },
        ]
      : [];
  // Les propositions vont au point « Questions et propositions » s'il est à l'ordre du jour, sinon à la fin.
  const proposalsInItem = c.items.some((item) => item.key === 'questions');
  c.items.forEach((item, index) => {
    blocks.push({ kind: 'heading', text: `${itemHeading(index, item.title)}${COLON}` });
    if (item.figures.length > 0) blocks.push({ kind: 'list', items: item.figures });
    if (item.key === 'questions') blocks.push(...proposals);
    const observations = bodyParagraphs(item.observations);
    if (observations.length > 0) for (const p of observations) blocks.push({ kind: 'paragraph', text: p.join('\n') });
    else blocks.push({ kind: 'paragraph', text: 'Aucune observation n’est recueillie à ce sujet.' });
    const decisions = bodyParagraphs(item.decisions);
    if (decisions.length > 0) {
      blocks.push({ kind: 'paragraph', text: `Décisions${COLON}` });
      for (const p of decisions) blocks.push({ kind: 'paragraph', text: p.join('\n') });
    }
  });
  if (!proposalsInItem) blocks.push(...proposals);
  blocks.push(
    { kind: 'paragraph', text: CLOSING_SENTENCE },
    { kind: 'signature', lines: [c.signatory.title, '', '', c.signatory.name].filter((l, i) => i > 0 || l.trim() !== '') },
    { kind: 'paragraph', text: `Destinataires${COLON}` },
  );
  blocks.push(
    c.distribution.length > 0
      ? { kind: 'list', items: listLines(c.distribution) }
      : { kind: 'paragraph', text: 'Aucun destinataire.' },
  );
  return blocks;
}

// ——— DOCX ———

/** Part de la largeur prise par la colonne de gauche de l'en-tête ; la signature s'aligne sur celle de droite. */
const MINUTES_LEFT_SHARE = 0.55;

/**
 * Le compte rendu en DOCX, modifiable dans Word : de vrais paragraphes, les points en titres de niveau 2
 * (volet de navigation), listes en tirets écrits dans le texte (ils survivent à tous les traitements de texte).
 */
export async function minutesDocxFromDocument(doc: MinutesDocument): Promise<Buffer> {
  const header = docxTwoColumnHeader(
    MINUTES_LEFT_SHARE,
    [
      ...docxBrandParagraphs(brandLines(doc.organisation.brand), 300),
      new Paragraph({ children: docxLines(senderLines(doc.content), { size: 18 }) }),
    ],
    [
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        spacing: { before: 1400 },
        children: docxLines([`${doc.organisation.city}, le ${numericDate(doc.content.documentDate)}`]),
      }),
    ],
  );
  const body: Paragraph[] = [];
  for (const block of minutesBlocks(doc)) {
    switch (block.kind) {
      case 'title':
        body.push(
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { before: 480, after: 360 },
            children: docxLines([block.text], { bold: true, size: 26 }),
          }),
        );
        break;
      case 'label': {
        const [label, ...rest] = block.text.split(COLON);
        body.push(
          new Paragraph({
            spacing: { after: 60 },
            children: [...docxLines([`${label}${COLON}`], { bold: true }), ...docxLines([rest.join(COLON)])],
          }),
        );
        break;
      }
      case 'heading':
        body.push(
          new Paragraph({
            heading: HeadingLevel.HEADING_2,
            keepNext: true,
            spacing: { before: 280, after: 120 },
            children: docxLines([block.text], { bold: true, size: 22 }),
          }),
        );
        break;
      case 'paragraph':
        body.push(
          new Paragraph({
            alignment: AlignmentType.JUSTIFIED,
            spacing: { before: 120, after: 120 },
            children: docxLines(block.text.split('\n')),
          }),
        );
        break;
      case 'list':
        for (const item of block.items) {
          body.push(
            new Paragraph({
              indent: { left: 567, hanging: 283 },
              spacing: { after: 40 },
              children: docxLines([`- ${item}`]),
            }),
          );
        }
        break;
      case 'signature':
        body.push(
          new Paragraph({
            keepLines: true,
            indent: { left: Math.round(DOCX_TEXT_WIDTH * MINUTES_LEFT_SHARE) },
            spacing: { before: 480, after: 480 },
            children: docxLines(block.lines),
          }),
        );
        break;
    }
  }
  const document = new Document({
    title: `Compte rendu — ${minutesSubject(doc.meeting.startsAt)}`,
    creator: doc.organisation.name,
    description: 'Compte rendu du comité local des usagers préparé avec Vigie',
    styles: {
      default: { document: { run: { font: DOCX_FONT, size: 21 } } },
      paragraphStyles: [
        {
          id: 'Heading2',
          name: 'Heading 2',
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: { font: DOCX_FONT, size: 22, bold: true, color: '000000' },
        },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 1000, bottom: 1200, left: 1134, right: 1134, footer: 500 },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.RIGHT,
                children: [
                  new TextRun({
                    font: DOCX_FONT,
                    size: 16,
                    children: ['Page ', PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES],
                  }),
                ],
              }),
            ],
          }),
        },
        children: [header, ...body],
      },
    ],
  });
  return Packer.toBuffer(document);
}
