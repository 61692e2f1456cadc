/**
 * Périmètre du label : le module 1 est toujours obligatoire, le module 2 l'est quand la préfecture
 * a un CERT (centre d'expertise et de ressources titres) ; les autres sont choisis.
 */
export interface ModuleRule {
  number: number;
  mandatory: 'always' | 'if_cert' | 'optional';
}

export function mandatoryModules(modules: ModuleRule[], hasCert: boolean): number[] {
  return modules.filter((m) => m.mandatory === 'always' || (m.mandatory === 'if_cert' && hasCert)).map((m) => m.number);
}

/** Le périmètre effectif : le choix de l'administrateur, complété des modules obligatoires, trié. */
export function normalisePerimeter(modules: ModuleRule[], hasCert: boolean, chosen: number[]): number[] {
  const known = new Set(modules.map((m) => m.number));
  const result = new Set(chosen.filter((n) => known.has(n)));
  for (const n of mandatoryModules(modules, hasCert)) result.add(n);
  return [...result].sort((a, b) => a - b);
}

export function missingMandatory(modules: ModuleRule[], hasCert: boolean, chosen: number[]): number[] {
  const set = new Set(chosen);
  return mandatoryModules(modules, hasCert).filter((n) => !set.has(n));
}
