import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/modules/demo/demo.service.ts';

/** Options de Chromium en CI : sans bac à sable (root), sans réseau de fond (la machine n'a pas d'accès extérieur). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * CHROMIUM_PATH s'il est fixé (et lui seul), sinon le Chromium de Debian : le binaire réel, plus rapide
 * à lancer que l'enveloppe shell /usr/bin/chromium.
 */
export function findChromium(): string | undefined {
  const explicit = process.env.CHROMIUM_PATH;
  const candidates = explicit ? [explicit] : ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];
  return candidates.find((path) => existsSync(path));
}

export const REFERENT = 'referent@demo.vigie.test';

/** Lance axe sur la page courante ; en cas d'échec, détaille chaque règle et chaque nœud fautif. */
export async function assertNoAxeViolation(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  if (results.violations.length === 0) return;
  const report = results.violations
    .map((violation) => {
      const nodes = violation.nodes
        .map((node) => `    cible : ${node.target.join(' ')}\n    html  : ${node.html}\n    ${node.failureSummary ?? ''}`)
        .join('\n');
      return `- ${violation.id} (${violation.impact ?? '?'}) : ${violation.help}\n  ${violation.helpUrl}\n${nodes}`;
    })
    .join('\n');
  console.error(`Violations axe sur ${label} (${page.url()}) :\n${report}`);
  assert.fail(`${label} : ${results.violations.length} violation(s) axe\n${report}`);
}

/** Remplit et envoie le formulaire de connexion affiché, comme le ferait une personne (libellés, bouton). */
export async function loginAsReferent(page: Page): Promise<void> {
  await page.getByLabel('Adresse électronique').fill(REFERENT);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('button', { name: 'Se connecter' }).click()]);
}
