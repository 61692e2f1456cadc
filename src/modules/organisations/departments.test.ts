import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { findDepartment, listDepartments, normaliseDepartmentCode, prefectLabel } from './departments.ts';

describe('départements', () => {
  it('connaît les 101 départements, DROM compris', () => {
    assert.equal(listDepartments().length, 101);
    assert.equal(findDepartment('974')?.timeZone, 'Indian/Reunion');
    assert.equal(findDepartment('976')?.timeZone, 'Indian/Mayotte');
    assert.equal(findDepartment('67')?.holidayCalendar, 'alsace-moselle');
  });

  it('concorde avec le COG du paquet @etalab/decoupage-administratif', () => {
    const require = createRequire(import.meta.url);
    const cog = require('@etalab/decoupage-administratif/data/departements.json') as { code: string; nom: string }[];
    const names = new Map(cog.map((d) => [d.code, d.nom]));
    for (const department of listDepartments()) {
      assert.equal(names.get(department.code), department.name, department.code);
    }
  });

  it('écrit le bloc-marque avec le bon article', () => {
    const label = (code: string) => {
      const department = findDepartment(code);
      assert.ok(department);
      return prefectLabel(department);
    };
    assert.equal(label('63'), 'Préfet du Puy-de-Dôme');
    assert.equal(label('03'), "Préfet de l'Allier");
    assert.equal(label('19'), 'Préfet de la Corrèze');
    assert.equal(label('76'), 'Préfet de la Seine-Maritime');
    assert.equal(label('41'), 'Préfet du Loir-et-Cher');
    assert.equal(label('92'), 'Préfet des Hauts-de-Seine');
    assert.equal(label('75'), 'Préfet de Paris');
  });

  it('normalise les codes saisis et refuse les inconnus', () => {
    assert.equal(normaliseDepartmentCode(' 2a '), '2A');
    assert.equal(normaliseDepartmentCode('7'), '07');
    assert.equal(findDepartment('20'), undefined);
    assert.equal(findDepartment('99'), undefined);
  });
});
