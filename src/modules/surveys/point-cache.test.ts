import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { forgetCollectionPoints, PointCache, pointCacheOf } from './point-cache.ts';

describe('mémoire courte des points de collecte', () => {
  it('relit après la durée de vie ; les lectures simultanées n’en font qu’une', async () => {
    const cache = new PointCache(40);
    let reads = 0;
    const load = async () => {
      reads++;
      return { version: reads };
    };
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    assert.equal(reads, 1);
    assert.equal(a, b);
    assert.deepEqual(await cache.get('k', load), { version: 1 });
    await sleep(60);
    assert.deepEqual(await cache.get('k', load), { version: 2 });
  });

  it('ne garde ni une absence ni une erreur', async () => {
    const cache = new PointCache(60_000);
    let reads = 0;
    assert.equal(
      await cache.get('absent', async () => {
        reads++;
        return undefined;
      }),
      undefined,
    );
    await cache.get('absent', async () => {
      reads++;
      return undefined;
    });
    assert.equal(reads, 2);
    await assert.rejects(
      cache.get('erreur', async () => {
        throw new Error('base indisponible');
      }),
      /base indisponible/,
    );
    assert.equal(await cache.get('erreur', async () => 'relu'), 'relu');
  });

  it('une mémoire par base, oubliée d’un coup', async () => {
    const db = {};
    const other = {};
    await pointCacheOf(db).get('k', async () => 'ancien');
    await pointCacheOf(other).get('k', async () => 'autre');
    forgetCollectionPoints({ db });
    assert.equal(await pointCacheOf(db).get('k', async () => 'nouveau'), 'nouveau');
    assert.equal(await pointCacheOf(other).get('k', async () => 'jamais lu'), 'autre');
  });
});
