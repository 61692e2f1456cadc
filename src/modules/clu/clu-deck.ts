import PptxModule from 'pptxgenjs';
import { MONTH_NAMES } from '../calendar/civil-date.ts';
import type { CellWithStatus, IndicatorYearRow } from '../indicators/indicator.service.ts';
import { formatNumber, valueText } from '../indicators/indicator-number.ts';
import { TARGET_STATUS_LABELS, type TargetStatus } from '../indicators/target.ts';
import { cellText } from '../indicators/views/indicator-format.ts';
import { DECK_SECTION_SLOTS } from './clu-deck-sections.ts';
import type { CluDeckSnapshot, DeckActionItem, DeckExtraSection, DeckSurveyChannel } from './clu-deck-snapshot.ts';

/**
 * Le support de présentation du CLU (PPTX 16:9, modifiable dans PowerPoint ou Impress), construit
 * uniquement depuis un instantané figé : aucun accès à la base ici, de sorte qu'un support se
 * reconstruit à l'identique tant que son instantané ne change pas. Les chapitres suivent l'ordre du
 * jour de la réunion (clés stables de l'ordre du jour type) ; un chapitre sans données garde sa
 * diapositive, avec « Aucune donnée pour la période » — jamais un graphique vide.
 */

export const NO_DATA = 'Aucune donnée pour la période';
export const DECK_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

const BLUE = '000091';
const RED = 'E1000F';
const GREY = '3A3A3A';
const LIGHT = 'F5F5FE';
const FONT = 'Arial';
/** Langue des textes (correcteur orthographique de PowerPoint ou d'Impress). */
const LANG = 'fr-FR';
const WIDTH = 13.333;
const MASTER = 'VIGIE_CLU';
const STATUS_COLORS: Record<TargetStatus, string> = { met: '18753C', not_met: 'CE0500', on_track: 'B34000', behind: 'B34000' };
const STATUS_SYMBOLS: Record<TargetStatus, string> = { met: '✓', not_met: '✗', on_track: '↗', behind: '↘' };
const SHORT_MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];

// Les types de pptxgenjs sont lus comme CommonJS : la classe y est la propriété `default` du module
// (à l'exécution, l'import ESM donne directement la classe).
const PptxGenJS = PptxModule as unknown as (typeof PptxModule)['default'];
type Slide = import('pptxgenjs').default.Slide;
type Row = import('pptxgenjs').default.TableRow;
type TableCell = import('pptxgenjs').default.TableCell;
type TableCellProps = import('pptxgenjs').default.TableCellProps;
type TableProps = import('pptxgenjs').default.TableProps;

/** Date civile « AAAA-MM-JJ » en toutes lettres : « 30 juin 2026 » (1er pour le premier du mois). */
export function longDate(isoDate: string): string {
  const [year, month, day] = isoDate.slice(0, 10).split('-').map(Number);
  const monthName = MONTH_NAMES[(month ?? 1) - 1]?.toLowerCase() ?? '';
  return `${day === 1 ? '1er' : String(day)} ${monthName} ${year}`;
}

function shortDate(isoDate: string): string {
  return isoDate.slice(0, 10).split('-').reverse().join('/');
}

/** « 91,3 % » ; « — » quand le taux est sans objet (jamais 0). */
function percent(rate: number | null): string {
  return rate === null ? '—' : valueText(rate, 'percent');
}

/** Le bloc-marque sur deux lignes : « PRÉFET » puis « DU PUY-DE-DÔME ». */
export function brandLines(brand: string): [string, string] {
  const upper = brand.toLocaleUpperCase('fr-FR');
  const space = upper.indexOf(' ');
  return space < 0 ? [upper, ''] : [upper.slice(0, space), upper.slice(space + 1)];
}

function headerCell(text: string, align: 'left' | 'center' | 'right' = 'left'): TableCell {
  return { text, options: { bold: true, color: 'FFFFFF', fill: { color: BLUE }, align, valign: 'middle' } };
}

function cell(text: string, options: TableCellProps = {}): TableCell {
  return { text, options: { valign: 'middle', ...options } };
}

const TABLE_BASE: TableProps = {
  fontFace: FONT,
  lang: LANG,
  fontSize: 12,
  color: GREY,
  border: { type: 'solid', pt: 0.75, color: 'CECECE' },
  margin: 0.05,
};

/** Découpe une liste en pages selon un budget de lignes (un libellé long occupe plusieurs lignes). */
function paginate<T>(items: readonly T[], weight: (item: T) => number, budget: number): T[][] {
  const pages: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const w = weight(item);
    if (current.length > 0 && used + w > budget) {
      pages.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += w;
  }
  if (current.length > 0) pages.push(current);
  return pages;
}

function lines(text: string, charsPerLine: number): number {
  return Math.max(1, Math.ceil(text.length / charsPerLine));
}

function numbered(title: string, index: number, count: number): string {
  return count > 1 ? `${title} (${index + 1}/${count})` : title;
}

class DeckBuilder {
  readonly pptx = new PptxGenJS();
  readonly snapshot: CluDeckSnapshot;
  /** Titres des diapositives dans l'ordre (relus par les tests et la page du support). */
  readonly titles: string[] = [];

  constructor(snapshot: CluDeckSnapshot) {
    this.snapshot = snapshot;
    this.pptx.layout = 'LAYOUT_WIDE';
    this.pptx.author = snapshot.organisation.name;
    this.pptx.company = snapshot.organisation.name;
    this.pptx.title = `Comité local des usagers — ${longDate(snapshot.meeting.startsAt)}`;
    this.pptx.subject = `Période du ${shortDate(snapshot.meeting.periodFrom)} au ${shortDate(snapshot.meeting.periodTo)}`;
    this.pptx.theme = { headFontFace: FONT, bodyFontFace: FONT };
    this.pptx.defineSlideMaster({
      title: MASTER,
      background: { color: 'FFFFFF' },
      objects: [
        { rect: { x: 0, y: 0, w: WIDTH, h: 0.1, fill: { color: BLUE } } },
        { rect: { x: 0.5, y: 1.15, w: 1.2, h: 0.05, fill: { color: RED } } },
        {
          text: {
            text: `${snapshot.organisation.name} — Comité local des usagers du ${longDate(snapshot.meeting.startsAt)}`,
            options: { x: 0.5, y: 7.05, w: 10, h: 0.3, fontFace: FONT, lang: LANG, fontSize: 9, color: '666666' },
          },
        },
        {
          placeholder: {
            options: {
              name: 'title',
              type: 'title',
              x: 0.5,
              y: 0.3,
              w: WIDTH - 1,
              h: 0.8,
              fontFace: FONT,
              lang: LANG,
              fontSize: 26,
              bold: true,
              color: BLUE,
              align: 'left',
              valign: 'bottom',
            },
            text: '',
          },
        },
      ],
      slideNumber: {
        x: WIDTH - 1,
        y: 7.05,
        w: 0.6,
        h: 0.3,
        fontFace: FONT,
        lang: LANG,
        fontSize: 9,
        color: '666666',
        align: 'right',
      },
    });
  }

  /** Une diapositive de contenu avec son titre (espace réservé « titre » : plan et accessibilité). */
  slide(title: string): Slide {
    const slide = this.pptx.addSlide({ masterName: MASTER });
    slide.addText(title, { placeholder: 'title' });
    this.titles.push(title);
    return slide;
  }

  noData(slide: Slide, text = NO_DATA, y = 2.2): void {
    slide.addText(text, {
      x: 0.8,
      y,
      w: WIDTH - 1.6,
      h: 1.2,
      fontFace: FONT,
      lang: LANG,
      fontSize: 20,
      italic: true,
      color: '666666',
      align: 'center',
      valign: 'middle',
      fill: { color: LIGHT },
    });
  }

  bullets(slide: Slide, items: string[], box: { x: number; y: number; w: number; h: number }, fontSize = 16): void {
    if (items.length === 0) return;
    slide.addText(
      items.map((text) => ({ text, options: { bullet: true, breakLine: true } })),
      { ...box, fontFace: FONT, lang: LANG, fontSize, color: GREY, valign: 'top', paraSpaceAfter: 6, fit: 'shrink' },
    );
  }

  // ——— Chapitres ———

  titleSlide(): void {
    const { organisation, meeting } = this.snapshot;
    const slide = this.pptx.addSlide();
    this.titles.push('Comité local des usagers');
    const [prefet, department] = brandLines(organisation.brand);
    slide.addShape('rect', { x: 0, y: 0, w: WIDTH, h: 0.15, fill: { color: BLUE } });
    slide.addText(
      [
        { text: prefet, options: { bold: true, breakLine: true } },
        { text: department, options: { bold: true, breakLine: true } },
      ],
      { x: 0.6, y: 0.5, w: 5, h: 1, fontFace: FONT, lang: LANG, fontSize: 18, color: '000000', valign: 'top' },
    );
    slide.addText(
      [
        { text: 'Liberté', options: { breakLine: true } },
        { text: 'Égalité', options: { breakLine: true } },
        { text: 'Fraternité', options: { breakLine: true } },
      ],
      { x: 0.6, y: 1.5, w: 3, h: 0.9, fontFace: FONT, lang: LANG, fontSize: 11, italic: true, color: GREY, valign: 'top' },
    );
    slide.addShape('rect', { x: 0.6, y: 3.1, w: 1.5, h: 0.07, fill: { color: RED } });
    slide.addText('Comité local des usagers', {
      x: 0.6,
      y: 3.3,
      w: WIDTH - 1.2,
      h: 1.1,
      fontFace: FONT,
      lang: LANG,
      fontSize: 40,
      bold: true,
      color: BLUE,
    });
    slide.addText(
      [
        { text: `${organisation.city}, le ${longDate(meeting.startsAt)}`, options: { breakLine: true } },
        { text: meeting.place ? `${meeting.place}, ${meeting.startsAt.slice(11, 16).replace(':', ' h ')}` : '', options: {} },
      ],
      { x: 0.6, y: 4.5, w: WIDTH - 1.2, h: 1, fontFace: FONT, lang: LANG, fontSize: 20, color: GREY, valign: 'top' },
    );
    slide.addText(
      `Période présentée : du ${longDate(meeting.periodFrom)} au ${longDate(meeting.periodTo)}${meeting.chair ? ` — présidence : ${meeting.chair}` : ''}`,
      { x: 0.6, y: 6.3, w: WIDTH - 1.2, h: 0.5, fontFace: FONT, lang: LANG, fontSize: 14, color: '666666' },
    );
  }

  agenda(): void {
    const slide = this.slide('Ordre du jour');
    const items = this.snapshot.meeting.agenda;
    if (items.length === 0) {
      this.noData(slide, 'Ordre du jour à compléter');
      return;
    }
    slide.addText(
      items.map((item, i) => ({ text: `${i + 1}. ${item.title}`, options: { breakLine: true } })),
      {
        x: 0.8,
        y: 1.5,
        w: WIDTH - 1.6,
        h: 5.3,
        fontFace: FONT,
        lang: LANG,
        fontSize: items.length > 10 ? 16 : 20,
        color: GREY,
        valign: 'top',
        paraSpaceAfter: 8,
        fit: 'shrink',
      },
    );
  }

  demarche(title: string): void {
    const { perimeter } = this.snapshot;
    const slide = this.slide(title);
    slide.addText(
      'Qual-e-pref, le label qualité des préfectures : des engagements de service vérifiés par audit, des résultats mesurés et présentés chaque année au comité local des usagers.',
      { x: 0.6, y: 1.4, w: WIDTH - 1.2, h: 0.9, fontFace: FONT, lang: LANG, fontSize: 16, color: GREY, valign: 'top' },
    );
    if (perimeter.modules.length === 0) {
      this.noData(slide, 'Périmètre de labellisation non renseigné', 2.8);
    } else {
      const engagementCount = perimeter.modules.reduce((s, m) => s + m.engagements.length, 0);
      this.bullets(
        slide,
        [
          `Périmètre de labellisation : ${perimeter.modules.length} module${perimeter.modules.length > 1 ? 's' : ''}, ${engagementCount} engagement${engagementCount > 1 ? 's' : ''}`,
          ...perimeter.modules.map(
            (m) => `${m.code} : ${m.title} (${m.engagements.length} engagement${m.engagements.length > 1 ? 's' : ''})`,
          ),
        ],
        { x: 0.6, y: 2.4, w: WIDTH - 1.2, h: 4.4 },
        18,
      );
    }
    // Les engagements de chaque module, comme les seeds les listent, sur autant de diapositives que nécessaire.
    for (const module of perimeter.modules) {
      if (module.engagements.length === 0) continue;
      const pages = paginate(module.engagements, (e) => lines(e.title, 120), 14);
      pages.forEach((page, i) => {
        const s = this.slide(numbered(`${module.code} : ${module.title}`, i, pages.length));
        this.bullets(
          s,
          page.map((e) => `${e.code}. ${e.title}`),
          { x: 0.6, y: 1.4, w: WIDTH - 1.2, h: 5.5 },
          14,
        );
      });
    }
  }

  surveys(title: string): void {
    const channels = this.snapshot.surveys;
    if (channels.length === 0) {
      this.noData(this.slide(title));
      return;
    }
    for (const channel of channels) this.surveyChannel(channel);
  }

  surveyChannel(channel: DeckSurveyChannel): void {
    const title = `${channel.channelLabel} : ${formatNumber(channel.responses)} réponse${channel.responses > 1 ? 's' : ''}`;
    const slide = this.slide(title);
    const measured = channel.criteria.filter((c) => c.status === 'measured' && c.rate !== null);
    if (measured.length === 0) {
      this.noData(slide);
      return;
    }
    // Barres horizontales : la première catégorie est dessinée en bas, d'où l'ordre inversé (premier critère en haut).
    const ordered = [...measured].reverse();
    slide.addChart(
      this.pptx.ChartType.bar,
      [
        {
          name: 'Taux de satisfaction (%)',
          labels: ordered.map((c) => `${c.label} (n = ${formatNumber(c.n)})`),
          values: ordered.map((c) => c.rate ?? 0),
        },
      ],
      {
        x: 0.4,
        y: 1.35,
        w: 6.9,
        h: 5.5,
        barDir: 'bar',
        chartColors: [BLUE],
        showTitle: true,
        title: `${channel.channelLabel} : taux de satisfaction par critère (${formatNumber(channel.responses)} réponses)`,
        titleFontSize: 12,
        titleFontFace: FONT,
        showValue: true,
        // Entiers sur le graphique (le séparateur décimal d'un format de graphique dépend de la langue du
        // lecteur) ; le tableau voisin donne les taux exacts à la française.
        dataLabelFormatCode: '0" %"',
        dataLabelFontSize: 10,
        valAxisMinVal: 0,
        valAxisMaxVal: 100,
        valAxisLabelFormatCode: '0" %"',
        catAxisLabelFontSize: 10,
        catAxisLabelFontFace: FONT,
        showLegend: false,
        lang: LANG,
      },
    );
    const rows: Row[] = [
      [headerCell('Critère'), headerCell('Taux', 'right'), headerCell('n', 'right'), headerCell('Intervalle à 95 %', 'center')],
      ...channel.criteria.map((c) => [
        cell(c.label),
        cell(c.status === 'measured' ? `${percent(c.rate)}${c.indicative ? ' (indicatif)' : ''}` : 'sans objet', {
          align: 'right',
        }),
        cell(formatNumber(c.n), { align: 'right' }),
        cell(c.low !== null && c.high !== null ? `${percent(c.low)} – ${percent(c.high)}` : '—', { align: 'center' }),
      ]),
      [
        cell('Taux global (réponses poolées)', { bold: true }),
        cell(percent(channel.global.rate), { bold: true, align: 'right' }),
        cell(formatNumber(channel.global.n), { bold: true, align: 'right' }),
        cell(`moyenne des critères : ${percent(channel.global.meanOfCriteria)}`, { align: 'center', fontSize: 10 }),
      ],
    ];
    slide.addTable(rows, { ...TABLE_BASE, x: 7.5, y: 1.45, w: 5.4, colW: [2.3, 1.05, 0.6, 1.45], fontSize: 11 });
    const notes = [
      'n : réponses exprimées (« sans avis » exclus).',
      channel.criteria.some((c) => c.indicative) ? '« indicatif » : moins de 30 réponses exprimées.' : '',
      channel.campaigns.length > 0 ? `Campagne${channel.campaigns.length > 1 ? 's' : ''} : ${channel.campaigns.join(', ')}.` : '',
    ].filter(Boolean);
    slide.addText(notes.join(' '), {
      x: 7.5,
      y: 6.2,
      w: 5.4,
      h: 0.75,
      fontFace: FONT,
      lang: LANG,
      fontSize: 9,
      color: '666666',
      valign: 'bottom',
    });
  }

  extraSection(slot: { key: string; title: string }): void {
    const section = this.snapshot.extraSections.find((s) => s.key === slot.key);
    if (!section) {
      this.noData(this.slide(`${slot.title} — aucune donnée pour la période`));
      return;
    }
    this.renderSection(section);
  }

  renderSection(section: DeckExtraSection): void {
    for (const content of section.slides) {
      const slide = this.slide(content.title);
      const top = 1.4;
      if (content.bullets.length > 0) {
        this.bullets(slide, content.bullets, { x: 0.6, y: top, w: WIDTH - 1.2, h: content.table ? 1.8 : 5.4 });
      }
      if (content.table && content.table.rows.length > 0) {
        slide.addTable([content.table.head.map((h) => headerCell(h)), ...content.table.rows.map((r) => r.map((c) => cell(c)))], {
          ...TABLE_BASE,
          x: 0.6,
          y: content.bullets.length > 0 ? 3.3 : top,
          w: WIDTH - 1.2,
          fontSize: 11,
        });
      }
      if (content.bullets.length === 0 && (!content.table || content.table.rows.length === 0)) this.noData(slide);
    }
  }

  indicators(title: string): void {
    const table = this.snapshot.indicators;
    if (table.rows.length === 0 || table.elapsedMonths === 0) {
      this.noData(this.slide(title));
      return;
    }
    const byQuarter = table.elapsedMonths > 6;
    const periods = byQuarter
      ? Array.from({ length: Math.ceil(table.elapsedMonths / 3) }, (_, q) => ({
          header: `T${q + 1}`,
          pick: (r: IndicatorYearRow) => r.quarters[q] ?? null,
        }))
      : Array.from({ length: table.elapsedMonths }, (_, m) => ({
          header: SHORT_MONTHS[m] ?? '',
          pick: (r: IndicatorYearRow) => r.months[m] ?? null,
        }));
    const moduleTitle = (n: number | null) => {
      if (n === null) return 'Indicateurs locaux';
      const title = this.snapshot.perimeter.modules.find((m) => m.code === `Module ${n}`)?.title;
      return title ? `Module ${n} — ${title}` : `Module ${n}`;
    };
    type Line = { group: string } | { row: IndicatorYearRow };
    const entries: Line[] = [];
    let group: string | null = null;
    for (const row of table.rows) {
      const label = moduleTitle(row.indicator.module);
      if (label !== group) {
        entries.push({ group: label });
        group = label;
      }
      entries.push({ row });
    }
    const labelWidth = byQuarter ? 4.2 : 3.5;
    const valueWidth = (WIDTH - 1 - 1.3 - labelWidth - 1.3 - 1.1 - 1.5) / periods.length;
    // Hauteur estimée d'une ligne (pouces) : le libellé long passe sur plusieurs lignes.
    const pages = paginate(
      entries,
      (e) => ('group' in e ? 0.3 : 0.1 + 0.15 * lines(e.row.indicator.label, byQuarter ? 60 : 50)),
      5.1,
    );
    const width = 6 + periods.length - 1;
    pages.forEach((page, i) => {
      const slide = this.slide(numbered(title, i, pages.length));
      const rows: Row[] = [
        [
          headerCell('Code'),
          headerCell('Indicateur'),
          headerCell(`Cible ${table.year}`),
          ...periods.map((p) => headerCell(p.header, 'right')),
          headerCell('Cumul', 'right'),
          headerCell('Statut'),
        ],
      ];
      for (const entry of page) {
        if ('group' in entry) {
          rows.push([cell(entry.group, { colspan: width, bold: true, color: BLUE, fill: { color: LIGHT } })]);
          continue;
        }
        const { row } = entry;
        rows.push([
          cell(row.indicator.code ?? row.indicator.key, { fontSize: 8 }),
          cell(row.indicator.label),
          cell(row.target?.label ?? 'sans'),
          ...periods.map((p) => indicatorCell(p.pick(row), row.indicator.unit)),
          indicatorCell(row.yearToDate, row.indicator.unit, true),
          statusCell(row.yearToDate),
        ]);
      }
      slide.addTable(rows, {
        ...TABLE_BASE,
        x: 0.5,
        y: 1.35,
        w: WIDTH - 1,
        fontSize: 10,
        colW: [1.3, labelWidth, 1.3, ...periods.map(() => valueWidth), 1.1, 1.5],
      });
      if (i === pages.length - 1) {
        slide.addText(
          `Valeurs arrêtées au ${shortDate(table.asOf)}, telles que calculées par le module des indicateurs. « — » sans objet (rien à mesurer) ; « n.d. » non disponible ; « (p) » provisoire. Statut : cumul de l’année face à la cible.`,
          { x: 0.5, y: 6.6, w: WIDTH - 1, h: 0.45, fontFace: FONT, lang: LANG, fontSize: 9, color: '666666', valign: 'bottom' },
        );
      }
    });
  }

  complaints(title: string): void {
    const c = this.snapshot.complaints;
    const slide = this.slide(title);
    if (c.total === 0) {
      this.noData(slide);
      return;
    }
    const byKind = c.byKind.map((k) => `${k.label} : ${formatNumber(k.count)}`).join(' — ');
    slide.addText(`${formatNumber(c.total)} réclamations et suggestions reçues sur la période (${byKind})`, {
      x: 0.6,
      y: 1.35,
      w: WIDTH - 1.2,
      h: 0.6,
      fontFace: FONT,
      lang: LANG,
      fontSize: 16,
      color: GREY,
    });
    const channels = c.byChannel.filter((x) => x.count > 0);
    slide.addChart(
      this.pptx.ChartType.bar,
      [{ name: 'Réclamations et suggestions', labels: channels.map((x) => x.label), values: channels.map((x) => x.count) }],
      {
        x: 0.4,
        y: 2.0,
        w: 6.4,
        h: 4.9,
        barDir: 'col',
        chartColors: [BLUE],
        showTitle: true,
        title: `Par canal de réception (${formatNumber(c.total)})`,
        titleFontSize: 12,
        titleFontFace: FONT,
        showValue: true,
        dataLabelFormatCode: '0',
        valAxisMinVal: 0,
        valAxisLabelFormatCode: '0',
        catAxisLabelFontSize: 10,
        showLegend: false,
        lang: LANG,
      },
    );
    const themes = c.byTheme.slice(0, 12);
    slide.addTable(
      [
        [headerCell('Thème'), headerCell('Nombre', 'right')],
        ...(themes.length > 0
          ? themes.map((t) => [cell(t.theme), cell(formatNumber(t.count), { align: 'right' })])
          : [[cell('Aucun thème renseigné', { colspan: 2, italic: true })]]),
      ],
      { ...TABLE_BASE, x: 7.1, y: 2.1, w: 5.8, colW: [4.6, 1.2], fontSize: 11 },
    );
    if (c.byTheme.length > themes.length) {
      slide.addText(`… et ${c.byTheme.length - themes.length} autres thèmes.`, {
        x: 7.1,
        y: 6.6,
        w: 5.8,
        h: 0.35,
        fontFace: FONT,
        lang: LANG,
        fontSize: 10,
        color: '666666',
      });
    }
    // Suites données : délais de réponse et actions, puis les suites écrites par les agents.
    const follow = this.slide('Réclamations et suggestions : suites données');
    const f = c.followUp;
    this.bullets(
      follow,
      [
        `Réponses dans le délai : ${formatNumber(f.answeredInTime)}`,
        `Réponses hors délai : ${formatNumber(f.answeredLate)}`,
        `Sans réponse à ce jour : ${formatNumber(f.unanswered)}`,
        `Actions d’amélioration créées depuis un dossier ou un thème : ${formatNumber(f.actionsCreated)}`,
      ],
      { x: 0.6, y: 1.4, w: 5.6, h: 1.9 },
      15,
    );
    const answered = [
      { label: 'Dans le délai', value: f.answeredInTime },
      { label: 'Hors délai', value: f.answeredLate },
      { label: 'Sans réponse', value: f.unanswered },
    ].filter((x) => x.value > 0);
    follow.addChart(
      this.pptx.ChartType.doughnut,
      [{ name: 'Réponses', labels: answered.map((x) => x.label), values: answered.map((x) => x.value) }],
      {
        x: 0.6,
        y: 3.4,
        w: 5.4,
        h: 3.5,
        chartColors: ['18753C', 'B34000', 'CE0500'].filter((_, i) => [f.answeredInTime, f.answeredLate, f.unanswered][i] !== 0),
        showTitle: true,
        title: 'Réponses aux réclamations et suggestions',
        titleFontSize: 12,
        showValue: true,
        showPercent: false,
        dataLabelFormatCode: '0',
        showLegend: true,
        legendPos: 'r',
        legendFontSize: 11,
        lang: LANG,
      },
    );
    const notes = (c.followUpNotes ?? []).slice(0, 8);
    if (notes.length > 0) {
      follow.addTable(
        [
          [headerCell('Dossier'), headerCell('Suite donnée')],
          ...notes.map((n) => [
            cell(`${n.reference}\n${n.kindLabel}${n.themes.length > 0 ? ` — ${n.themes.join(', ')}` : ''}`, { fontSize: 9 }),
            cell(n.text.length > 220 ? `${n.text.slice(0, 219)}…` : n.text),
          ]),
        ],
        { ...TABLE_BASE, x: 6.4, y: 1.45, w: 6.5, colW: [2.2, 4.3], fontSize: 10 },
      );
    } else {
      follow.addText('Aucune suite écrite dans les dossiers de la période.', {
        x: 6.4,
        y: 1.45,
        w: 6.5,
        h: 0.6,
        fontFace: FONT,
        lang: LANG,
        fontSize: 14,
        italic: true,
        color: '666666',
      });
    }
  }

  templates(title: string): void {
    const templates = this.snapshot.templates;
    if (templates.length === 0) {
      this.noData(this.slide(title), 'Aucun modèle soumis pour avis à cette réunion');
      return;
    }
    for (const template of templates) {
      const slide = this.slide(`Pour avis : ${template.name}`);
      const body =
        template.body.length > 1600 ? `${template.body.slice(0, 1599)}… (texte complet dans le modèle)` : template.body;
      slide.addText(
        [
          { text: template.purposeLabel, options: { bold: true, color: BLUE, breakLine: true } },
          ...(template.subject ? [{ text: `Objet : ${template.subject}`, options: { bold: true, breakLine: true } }] : []),
          { text: body, options: {} },
        ],
        {
          x: 0.6,
          y: 1.4,
          w: 8.2,
          h: 5.5,
          fontFace: FONT,
          lang: LANG,
          fontSize: 11,
          color: GREY,
          valign: 'top',
          fill: { color: LIGHT },
          margin: 0.15,
          fit: 'shrink',
        },
      );
      slide.addText(
        [
          { text: 'Avis du comité', options: { bold: true, color: BLUE, breakLine: true } },
          { text: template.opinion ?? 'À recueillir en séance.', options: { italic: template.opinion === null } },
        ],
        { x: 9.1, y: 1.4, w: 3.8, h: 5.5, fontFace: FONT, lang: LANG, fontSize: 14, color: GREY, valign: 'top' },
      );
    }
  }

  actionTable(title: string, items: DeckActionItem[], empty: string): void {
    if (items.length === 0) {
      this.noData(this.slide(title), empty);
      return;
    }
    const pages = paginate(
      items,
      (a) => 0.1 + 0.16 * Math.max(lines(a.description, 70), lines(a.objective, 42), lines(a.services.join(', '), 34)),
      5.2,
    );
    pages.forEach((page, i) => {
      const slide = this.slide(numbered(title, i, pages.length));
      slide.addTable(
        [
          [
            headerCell('N°'),
            headerCell('Objectif'),
            headerCell('Action'),
            headerCell('Acteur(s)'),
            headerCell('Échéance'),
            headerCell('Statut'),
          ],
          ...page.map((a) => [
            cell(String(a.number)),
            cell(a.objective),
            cell(a.description),
            cell(a.services.join(', ') || '—'),
            cell(shortDate(a.dueDate)),
            cell(a.statusLabel),
          ]),
        ],
        { ...TABLE_BASE, x: 0.5, y: 1.35, w: WIDTH - 1, colW: [0.6, 2.8, 4.5, 2.3, 1.2, 0.933], fontSize: 10 },
      );
    });
  }

  actionPlan(title: string): void {
    const plan = this.snapshot.actionPlan;
    this.actionTable(`${title} : actions réalisées`, plan.done, 'Aucune action réalisée sur la période');
    this.actionTable(`${title} : actions en cours`, plan.inProgress, 'Aucune action en cours');
    this.actionTable(`${title} : nouvelles actions`, plan.created, 'Aucune nouvelle action sur la période');
    const origins = plan.byOrigin.filter((o) => o.done > 0);
    const slide = this.slide(`${title} : actions mises en place`);
    if (origins.length === 0) {
      this.noData(slide);
      return;
    }
    const columns = Math.min(origins.length, 3);
    const width = (WIDTH - 1 - (columns - 1) * 0.3) / columns;
    origins.slice(0, 6).forEach((origin, i) => {
      const x = 0.5 + (i % 3) * (width + 0.3);
      const y = i < 3 ? 1.4 : 4.2;
      slide.addText(
        [
          {
            text: `${origin.done} action${origin.done > 1 ? 's' : ''} mise${origin.done > 1 ? 's' : ''} en place`,
            options: { bold: true, fontSize: 16, color: BLUE, breakLine: true },
          },
          { text: origin.originLabel, options: { italic: true, fontSize: 12, breakLine: true } },
          ...origin.titles.slice(0, 5).map((t) => ({ text: t, options: { bullet: true, fontSize: 11, breakLine: true } })),
        ],
        {
          x,
          y,
          w: width,
          h: origins.length > 3 ? 2.6 : Math.min(5.4, 1.1 + 0.32 * Math.min(origin.titles.length, 5)),
          fontFace: FONT,
          lang: LANG,
          color: GREY,
          valign: 'top',
          fill: { color: LIGHT },
          margin: 0.12,
          fit: 'shrink',
        },
      );
    });
  }

  proposals(title: string): void {
    const p = this.snapshot.proposals;
    const heading = p.previousMeetingStartsAt ? `${title} du ${shortDate(p.previousMeetingStartsAt)}` : title;
    if (p.items.length === 0) {
      this.noData(
        this.slide(heading),
        p.previousMeetingStartsAt
          ? 'Aucune proposition formulée lors du précédent comité'
          : 'Premier comité : aucune proposition antérieure',
      );
      return;
    }
    const pages = paginate(p.items, (item) => 0.1 + 0.18 * Math.max(lines(item.text, 60), lines(item.followUp ?? '', 55)), 5.2);
    pages.forEach((page, i) => {
      const slide = this.slide(numbered(heading, i, pages.length));
      slide.addTable(
        [
          [headerCell('Proposition'), headerCell('Proposée par'), headerCell('Statut'), headerCell('Suite donnée')],
          ...page.map((item) => [
            cell(item.text),
            cell(item.memberOrganisation ?? '—'),
            cell(`${item.statusLabel}${item.actionNumber !== null ? `\naction n° ${item.actionNumber}` : ''}`),
            cell(item.followUp ?? 'À préciser'),
          ]),
        ],
        { ...TABLE_BASE, x: 0.5, y: 1.35, w: WIDTH - 1, colW: [4.4, 2.4, 1.6, 3.933], fontSize: 11 },
      );
    });
  }

  custom(title: string): void {
    const slide = this.slide(title);
    slide.addText('Point présenté en séance', {
      x: 0.8,
      y: 3,
      w: WIDTH - 1.6,
      h: 1,
      fontFace: FONT,
      lang: LANG,
      fontSize: 20,
      italic: true,
      color: '666666',
      align: 'center',
    });
  }

  questions(title: string): void {
    const slide = this.slide(title);
    slide.addText('Vos questions, vos propositions d’amélioration', {
      x: 0.8,
      y: 2.6,
      w: WIDTH - 1.6,
      h: 1.2,
      fontFace: FONT,
      lang: LANG,
      fontSize: 28,
      color: BLUE,
      align: 'center',
    });
  }

  thanks(): void {
    const slide = this.slide('Merci pour votre participation');
    const [prefet, department] = brandLines(this.snapshot.organisation.brand);
    slide.addText(`${prefet} ${department}`, {
      x: 0.8,
      y: 3,
      w: WIDTH - 1.6,
      h: 0.8,
      fontFace: FONT,
      lang: LANG,
      fontSize: 18,
      bold: true,
      color: GREY,
      align: 'center',
    });
  }
}

function indicatorCell(c: CellWithStatus | null, unit: IndicatorYearRow['indicator']['unit'], bold = false): TableCell {
  const text = c === null ? '' : `${cellText(c, unit)}${c.status === 'measured' && c.provisional ? ' (p)' : ''}`;
  return cell(text, { align: 'right', bold, ...(c?.target ? { color: STATUS_COLORS[c.target] } : {}) });
}

function statusCell(c: CellWithStatus | null): TableCell {
  if (!c?.target) return cell('—', { align: 'center' });
  return cell(`${STATUS_SYMBOLS[c.target]} ${TARGET_STATUS_LABELS[c.target]}`, { color: STATUS_COLORS[c.target], bold: true });
}

/** Chapitres connus de l'ordre du jour type (clés de `clu-agenda.ts`). */
const SECTION_KEYS = new Set([
  'demarche',
  'surveys',
  'mystery',
  'indicators',
  'complaints',
  'templates',
  'action_plan',
  'proposals_follow_up',
  'questions',
]);

const DEFAULT_TITLES: Record<string, string> = {
  demarche: 'La démarche Qual-e-pref et son périmètre',
  surveys: 'Enquêtes de satisfaction',
  indicators: 'Indicateurs qualité : résultats et cibles',
  complaints: 'Réclamations et suggestions',
  templates: 'Courriers et courriels types pour avis',
  action_plan: 'Plan d’actions',
  proposals_follow_up: 'Suivi des propositions du comité',
  questions: 'Questions / réponses',
};

/**
 * Les chapitres dans l'ordre de l'ordre du jour ; ceux qui y manquent sont ajoutés dans l'ordre type, et
 * les sections d'autres modules sans place dans l'ordre du jour passent juste avant les questions.
 */
function chapters(snapshot: CluDeckSnapshot): { key: string; title: string }[] {
  const agenda = snapshot.meeting.agenda;
  const present = new Set(agenda.map((a) => a.key));
  const slots = snapshot.extraSectionSlots ?? DECK_SECTION_SLOTS;
  const missing = [...SECTION_KEYS]
    .filter((k) => !present.has(k))
    .map((k) => ({ key: k, title: DEFAULT_TITLES[k] ?? slots.find((s) => s.key === k)?.title ?? k }));
  const unplaced = snapshot.extraSections
    .filter((s) => !present.has(s.key) && !SECTION_KEYS.has(s.key))
    .map((s) => ({ key: s.key, title: s.title }));
  const all = [...agenda, ...missing.filter((m) => m.key !== 'questions')];
  const questionsAt = all.findIndex((c) => c.key === 'questions');
  if (questionsAt >= 0) all.splice(questionsAt, 0, ...unplaced);
  else all.push(...unplaced);
  return [...all, ...missing.filter((m) => m.key === 'questions')];
}

export interface BuiltDeck {
  buffer: Buffer;
  titles: string[];
}

/** Construit le PPTX d'un instantané (pur : mêmes chiffres, même contenu à chaque construction). */
export async function buildDeck(snapshot: CluDeckSnapshot): Promise<BuiltDeck> {
  const deck = new DeckBuilder(snapshot);
  deck.titleSlide();
  deck.agenda();
  const slots = snapshot.extraSectionSlots ?? DECK_SECTION_SLOTS;
  for (const chapter of chapters(snapshot)) {
    const slot = slots.find((s) => s.key === chapter.key);
    switch (chapter.key) {
      case 'demarche':
        deck.demarche(DEFAULT_TITLES.demarche as string);
        break;
      case 'surveys':
        deck.surveys(DEFAULT_TITLES.surveys as string);
        break;
      case 'indicators':
        deck.indicators(DEFAULT_TITLES.indicators as string);
        break;
      case 'complaints':
        deck.complaints(DEFAULT_TITLES.complaints as string);
        break;
      case 'templates':
        deck.templates(DEFAULT_TITLES.templates as string);
        break;
      case 'action_plan':
        deck.actionPlan(DEFAULT_TITLES.action_plan as string);
        break;
      case 'proposals_follow_up':
        deck.proposals(DEFAULT_TITLES.proposals_follow_up as string);
        break;
      case 'questions':
        deck.questions(chapter.title || (DEFAULT_TITLES.questions as string));
        break;
      default:
        if (slot) deck.extraSection(slot);
        else {
          const section = snapshot.extraSections.find((s) => s.key === chapter.key);
          if (section) deck.renderSection(section);
          else deck.custom(chapter.title);
        }
    }
  }
  deck.thanks();
  const buffer = (await deck.pptx.write({ outputType: 'nodebuffer', compression: true })) as Buffer;
  return { buffer, titles: deck.titles };
}
