import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signatureBlock, signatureParts } from './signature.ts';

describe('blocs de signature', () => {
  const stored = {
    service_label: 'Bureau relation aux usagers\nPôle logistique, courrier, accueil',
    postal_address: '18, boulevard Desaix\n63033 Clermont-Ferrand Cedex 1',
    phone: '04 73 98 63 63',
    website: 'www.puy-de-dome.gouv.fr',
  };

  it('boîte fonctionnelle : service, préfecture, adresse, téléphone, courriel, site', () => {
    const parts = signatureParts({
      serviceName: 'Accueil général',
      organisationName: 'Préfecture du Puy-de-Dôme',
      stored,
      email: 'pref-public@puy-de-dome.gouv.fr',
      agentName: 'Dominique Durand',
      agentTitle: 'Agent d’accueil',
    });
    assert.equal(
      signatureBlock('functional', parts),
      [
        'Bureau relation aux usagers',
        'Pôle logistique, courrier, accueil',
        'Préfecture du Puy-de-Dôme',
        '18, boulevard Desaix',
        '63033 Clermont-Ferrand Cedex 1',
        'Tél. : 04 73 98 63 63',
        'pref-public@puy-de-dome.gouv.fr',
        'www.puy-de-dome.gouv.fr',
      ].join('\n'),
    );
  });

  it('boîte individuelle : le nom et la fonction de l’agent en tête', () => {
    const parts = signatureParts({
      serviceName: 'Accueil général',
      organisationName: 'Préfecture du Puy-de-Dôme',
      stored,
      agentName: 'Dominique Durand',
      agentTitle: 'Agent d’accueil',
    });
    const lines = signatureBlock('individual', parts).split('\n');
    assert.deepEqual(lines.slice(0, 3), ['Dominique Durand', 'Agent d’accueil', 'Bureau relation aux usagers']);
    // Sans fonction renseignée, la ligne est omise.
    const untitled = signatureParts({ serviceName: 'Accueil', organisationName: 'Préfecture', agentName: 'Dominique Durand' });
    assert.equal(signatureBlock('individual', untitled), 'Dominique Durand\nAccueil\nPréfecture');
  });

  it('rien de saisi : repli sur le nom du service et celui de la préfecture', () => {
    const parts = signatureParts({
      serviceName: 'Service des étrangers',
      organisationName: 'Préfecture du Cantal',
      stored: { service_label: '  ', postal_address: null, phone: '', website: null },
    });
    assert.equal(signatureBlock('functional', parts), 'Service des étrangers\nPréfecture du Cantal');
    assert.equal(
      signatureBlock('functional', signatureParts({ serviceName: null, organisationName: 'Préfecture du Cantal' })),
      'Préfecture du Cantal',
    );
  });

  it('un libellé qui nomme déjà la préfecture ne la répète pas', () => {
    const parts = signatureParts({
      serviceName: 'Accueil',
      organisationName: 'Préfecture du Puy-de-Dôme',
      stored: {
        service_label: 'Secrétariat général commun\nPréfecture du Puy-de-Dôme',
        postal_address: null,
        phone: null,
        website: null,
      },
    });
    assert.equal(signatureBlock('functional', parts), 'Secrétariat général commun\nPréfecture du Puy-de-Dôme');
  });
});
