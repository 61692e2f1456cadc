import type { AppContext } from '../../shared/context.ts';
import type { DeckExtraSection } from './clu-deck-snapshot.ts';

/**
 * Sections du support fournies par d'autres modules (les enquêtes mystère, issue 9) : le support ne
 * connaît pas leurs tables, il leur demande leurs diapositives déjà mises en données pour la période.
 * Un fournisseur qui n'a rien pour la période rend `null` : la place reste occupée par une diapositive
 * « aucune donnée », jamais par un graphique vide.
 */
export interface DeckPeriod {
  from: string;
  to: string;
}

export interface DeckSectionProvider {
  /** Clé stable, aussi celle du point de l'ordre du jour qui l'accueille (`mystery`). */
  key: string;
  /** Titre de la section, repris sur la diapositive « aucune donnée ». */
  title: string;
  collect(ctx: AppContext, organisationId: string, period: DeckPeriod): Promise<DeckExtraSection | null>;
}

/** Les sections attendues par le support, dans l'ordre des seeds, même sans fournisseur enregistré. */
export const DECK_SECTION_SLOTS: readonly { key: string; title: string }[] = [{ key: 'mystery', title: 'Enquêtes mystère' }];

const providers = new Map<string, DeckSectionProvider>();

/** Enregistre (ou remplace) le fournisseur d'une section : appelé une fois au chargement du module qui la remplit. */
export function registerDeckSection(provider: DeckSectionProvider): void {
  providers.set(provider.key, provider);
}

/** Retire un fournisseur (tests). */
export function unregisterDeckSection(key: string): void {
  providers.delete(key);
}

export function deckSectionProviders(): DeckSectionProvider[] {
  return [...providers.values()];
}

/**
 * Les sections des fournisseurs pour la période : celles des emplacements connus d'abord (dans leur
 * ordre), puis les autres. Une section vide (sans diapositive) compte comme absente.
 */
export async function collectDeckSections(
  ctx: AppContext,
  organisationId: string,
  period: DeckPeriod,
): Promise<DeckExtraSection[]> {
  const slotOrder = new Map(DECK_SECTION_SLOTS.map((s, i) => [s.key, i]));
  const ordered = deckSectionProviders().sort(
    (a, b) => (slotOrder.get(a.key) ?? Number.MAX_SAFE_INTEGER) - (slotOrder.get(b.key) ?? Number.MAX_SAFE_INTEGER),
  );
  const sections: DeckExtraSection[] = [];
  for (const provider of ordered) {
    const section = await provider.collect(ctx, organisationId, period);
    if (section && section.slides.length > 0) sections.push({ ...section, key: provider.key });
  }
  return sections;
}
