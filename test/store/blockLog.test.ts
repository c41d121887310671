import { expect } from 'chai';
import type mongoose from 'mongoose';
import { BLOCK_SIZE, BlockLog } from '../../server/store/blockLog.js';
import { dropStoreDatabase, storeDatabase } from '../helpers/storeDb.js';

interface Entry {
  _id: number;
  seq: number;
  by: string;
}

describe('store: numbered log in blocks', () => {
  let connection: mongoose.Connection;
  let logs = 0;
  /** A fresh log; `writers` objects over the same collections, as several processes would hold. */
  const freshLog = (writers = 1) => {
    const name = `log${++logs}`;
    return Array.from({ length: writers }, () => new BlockLog<Entry>({ nameOf: (block) => `${name}_${block}`, idOf: (seq) => seq, db: () => connection.db! }));
  };
  const entries = (first: number, last: number, by: string): Entry[] =>
    Array.from({ length: last - first + 1 }, (_, i) => ({ _id: first + i, seq: first + i, by }));
  before(async () => {
    connection = await storeDatabase();
  });
  after(() => dropStoreDatabase(connection));

  it('two writers racing for one seq: one stores it; writers appending after the end they find leave no gap and no repeat', async () => {
    const [a, b] = freshLog(2) as [BlockLog<Entry>, BlockLog<Entry>];
    const raced = await Promise.all([a.insert(entries(1, 1, 'a')), b.insert(entries(1, 1, 'b'))]);
    expect(raced.sort()).to.deep.equal([0, 1]);

    // Each writer: find the end (from where it last was), claim the next seq by inserting; lost: again.
    const writer = async (log: BlockLog<Entry>, name: string, count: number) => {
      let known = { seq: 0 };
      for (let i = 0; i < count;) {
        const end = await log.findEnd(known, async (seq) => ((await log.has(seq)) ? { seq } : null));
        const stored = await log.insert(entries(end.seq + 1, end.seq + 1, `${name}:${i}`));
        known = { seq: end.seq + stored };
        i += stored;
      }
    };
    await Promise.all([writer(a, 'a', 15), writer(b, 'b', 15), writer(a, 'c', 15)]);
    const all = await a.forward(0, 100, 100);
    expect(all.map((e) => e.seq)).to.deep.equal(Array.from({ length: 46 }, (_, i) => i + 1));
    const written = all
      .slice(1)
      .map((e) => e.by)
      .sort();
    expect(new Set(written).size).to.equal(45);
    for (const name of ['a', 'b', 'c']) expect(written.filter((by) => by.startsWith(`${name}:`))).to.have.length(15);
  });

  it('crosses a block boundary: an insert spans two blocks, stops at a seq taken in the second, and pages read across', async () => {
    const [log] = freshLog() as [BlockLog<Entry>];
    await log.insert(entries(BLOCK_SIZE + 3, BLOCK_SIZE + 3, 'other'));
    expect(await log.insert(entries(1, BLOCK_SIZE + 5, 'mine'))).to.equal(BLOCK_SIZE + 2);
    expect(await log.block(0).countDocuments()).to.equal(BLOCK_SIZE);
    expect((await log.block(1).find().sort({ seq: 1 }).toArray()).map((e) => `${e.seq}:${e.by}`)).to.deep.equal([
      `${BLOCK_SIZE + 1}:mine`,
      `${BLOCK_SIZE + 2}:mine`,
      `${BLOCK_SIZE + 3}:other`,
    ]);
    expect(await log.insert(entries(BLOCK_SIZE + 4, BLOCK_SIZE + 5, 'mine'))).to.equal(2);

    expect((await log.forward(BLOCK_SIZE - 3, BLOCK_SIZE + 5, 6)).map((e) => e.seq)).to.deep.equal([998, 999, 1000, 1001, 1002, 1003]);
    expect((await log.backward(BLOCK_SIZE + 2, 3)).map((e) => e.seq)).to.deep.equal([1001, 1000, 999]);
    expect((await log.after(BLOCK_SIZE - 2)).map((e) => e.seq).sort((a, b) => a - b)).to.deep.equal([999, 1000]);
    expect((await log.after(BLOCK_SIZE)).map((e) => e.seq).sort((a, b) => a - b)).to.deep.equal([1001, 1002, 1003, 1004, 1005]);
    expect((await log.at(BLOCK_SIZE + 3))?.by).to.equal('other');

    // The tip search: from nothing and from a lagging hint, a few lookups find the end.
    let lookups = 0;
    const at = async (seq: number) => {
      lookups++;
      const entry = await log.at(seq, { seq: 1, by: 1 });
      return entry ? { seq: entry.seq, by: entry.by } : null;
    };
    expect(await log.findEnd({ seq: 0, by: '' }, at)).to.deep.equal({ seq: BLOCK_SIZE + 5, by: 'mine' });
    expect(lookups).to.be.at.most(2 * Math.ceil(Math.log2(BLOCK_SIZE + 5)) + 1);
    lookups = 0;
    expect((await log.findEnd({ seq: 990, by: 'mine' }, at)).seq).to.equal(BLOCK_SIZE + 5);
    expect(lookups).to.be.at.most(10);
  });
});
