import { expect } from 'chai';
import mongoose from 'mongoose';
import { catchUp, claimNext } from '../../server/store/versions.js';

// A sequence like an assessment's versions: records `<id>:<n>`, the item a cache of the latest one.
const Step = mongoose.model('StoreTestStep', new mongoose.Schema({ _id: String, n: Number, by: String }, { versionKey: false }));
interface Item {
  id: string;
  n: number;
  by: string | null;
}

const insertNext = (by: string) => (item: Item) => Step.create({ _id: `${item.id}:${item.n + 1}`, n: item.n + 1, by });
const readNext = async (item: Item): Promise<Item | null> => {
  const ahead = await Step.findById(`${item.id}:${item.n + 1}`).lean<{ n: number; by: string }>();
  return ahead ? { id: item.id, n: ahead.n, by: ahead.by } : null;
};
const caughtUp = async (item: Item) => (await catchUp(item, readNext)).doc;

describe('store: claim the next version by insert, then catch up', () => {
  it('two writers racing for one version: exactly one wins, the loser is caught up to the winner', async () => {
    const item: Item = { id: new mongoose.Types.ObjectId().toString(), n: 0, by: null };
    const [a, b] = await Promise.all([claimNext(item, insertNext('a'), caughtUp), claimNext(item, insertNext('b'), caughtUp)]);
    expect([a.won, b.won].filter(Boolean)).to.have.length(1);
    const [winner, loser] = a.won ? [a, b] : [b, a];
    expect(winner.doc).to.deep.equal(item);
    expect(loser.doc).to.deep.include({ n: 1, by: winner === a ? 'a' : 'b' });
    expect(await Step.countDocuments({ _id: mongoose.trusted({ $regex: `^${item.id}:` }) })).to.equal(1);
  });

  it('writers that may retry are all stored, each under its own number, none twice', async () => {
    const item: Item = { id: new mongoose.Types.ObjectId().toString(), n: 0, by: null };
    const writers = ['a', 'b', 'c', 'd'];
    const outcomes = await Promise.all(writers.map((by) => claimNext(item, insertNext(by), caughtUp, writers.length)));
    expect(outcomes.every((o) => o.won)).to.equal(true);
    const final = await caughtUp(item);
    expect(final.n).to.equal(writers.length);
    const stored = await Step.find({ _id: mongoose.trusted({ $regex: `^${item.id}:` }) }).lean<{ by: string }[]>();
    expect(stored.map((step) => step.by).sort()).to.deep.equal(writers);
  });

  it('a claim that keeps losing gives up after its attempts and answers the item caught up', async () => {
    const item: Item = { id: new mongoose.Types.ObjectId().toString(), n: 0, by: null };
    await Step.create([
      { _id: `${item.id}:1`, n: 1, by: 'x' },
      { _id: `${item.id}:2`, n: 2, by: 'y' },
    ]);
    let tries = 0;
    const outcome = await claimNext(
      item,
      async (doc) => {
        tries++;
        // Another writer always takes the number just before this one does.
        await Step.create({ _id: `${doc.id}:${doc.n + 1}`, n: doc.n + 1, by: 'other' }).catch(() => undefined);
        return insertNext('late')(doc);
      },
      caughtUp,
      2,
    );
    expect(outcome.won).to.equal(false);
    expect(tries).to.equal(2);
    expect(outcome.doc).to.deep.include({ n: 3, by: 'other' });
  });
});
