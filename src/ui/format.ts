/** Formats français pour l'affichage (les données restent en ISO 8601 dans la base). */
const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });
const dateOnly = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });
const integer = new Intl.NumberFormat('fr-FR');

export function formatDateTime(iso: string, timeZone = 'Europe/Paris'): string {
  const formatter =
    timeZone === 'Europe/Paris'
      ? dateTime
      : new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone });
  return formatter.format(new Date(iso));
}

/** Une date civile « AAAA-MM-JJ » : « 2 avril 2026 ». */
export function formatDate(isoDate: string): string {
  return dateOnly.format(new Date(`${isoDate}T00:00:00Z`));
}

export function formatInteger(value: number): string {
  return integer.format(value);
}

const oneDecimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** Taille d'un fichier en unités françaises : « 820 o », « 12 ko », « 1,5 Mo ». */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${integer.format(bytes)}\u00a0o`;
  if (bytes < 1024 * 1024) return `${integer.format(Math.round(bytes / 1024))}\u00a0ko`;
  return `${oneDecimal.format(bytes / (1024 * 1024))}\u00a0Mo`;
}
