import { expect } from 'chai';
import type { Principal } from '../server/auth/principal.js';
import { PrincipalCache } from '../server/auth/principalCache.js';
import type { PrincipalRead } from '../server/auth/principalLoader.js';

type Claims = { sub: string; sid: string };

/** A stand-in database of principals: live sessions by id, counting reads one by one and in batches. */
function fakeDatabase(live: Set<string>) {
  const counts = { one: 0, many: 0 };
  let hold: Promise<void> = Promise.resolve();
  const readOf = (c: Claims): PrincipalRead | null =>
    live.has(c.sid)
      ? {
          principal: { user: { _id: c.sub }, organisation: { _id: 'org' }, sessionId: c.sid } as unknown as Principal,
          sessionExpiresAt: new Date(Date.now() + 3_600_000),
        }
      : null;
  return {
    counts,
    holdReads(until: Promise<void>) {
      hold = until;
    },
    cache: new PrincipalCache(
      async (c) => {
        counts.one++;
        return readOf(c);
      },
      async (all) => {
        counts.many++;
        await hold;
        return all.map(readOf);
      },
    ),
  };
}

describe('principal cache: renewed in batches by the socket sweep', () => {
  it('renews many principals with one read and keeps them; an ended session is answered null and not kept', async () => {
    const db = fakeDatabase(new Set(['s1', 's2']));
    const claims = [
      { sub: 'u1', sid: 's1' },
      { sub: 'u2', sid: 's2' },
      { sub: 'u3', sid: 'gone' },
    ];
    const renewed = await db.cache.renew(claims);
    expect(renewed.map((p) => p?.sessionId ?? null)).to.deep.equal(['s1', 's2', null]);
    expect(db.counts).to.deep.equal({ one: 0, many: 1 });
    expect((await db.cache.cached(claims[0]!, 45_000))?.sessionId).to.equal('s1');
    expect((await db.cache.cached(claims[1]!, 45_000))?.sessionId).to.equal('s2');
    expect(db.counts.one, 'kept copies served').to.equal(0);
    expect(await db.cache.cached(claims[2]!, 45_000)).to.equal(null);
    expect(db.counts.one, 'an ended session is read again, never served from a copy').to.equal(1);
  });

  it('hands over but does not keep what a change made stale while the batch was read', async () => {
    const db = fakeDatabase(new Set(['s1']));
    let release!: () => void;
    db.holdReads(new Promise<void>((resolve) => (release = resolve)));
    const renewing = db.cache.renew([{ sub: 'u1', sid: 's1' }]);
    db.cache.forget({ userId: 'u1' });
    release();
    expect((await renewing)[0]?.sessionId).to.equal('s1');
    await db.cache.cached({ sub: 'u1', sid: 's1' }, 45_000);
    expect(db.counts.one, 'read again after the change').to.equal(1);
  });
});
