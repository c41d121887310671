import { expect } from 'chai';
import type mongoose from 'mongoose';
import { Catalog } from '../../server/store/catalog.js';
import { publishChange, type FeedModels } from '../../server/store/changeFeed.js';
import { dropStoreDatabase, feedsOn, storeDatabase } from '../helpers/storeDb.js';

interface Item {
  _id: string;
  updatedAt: Date;
  deletedAt: Date | null;
  n: number;
}

describe('store: catalog', () => {
  let connection: mongoose.Connection;
  let feeds: FeedModels;
  before(async () => {
    connection = await storeDatabase();
    feeds = feedsOn(connection);
  });
  after(() => dropStoreDatabase(connection));

  it('a reader while a writer publishes: fresh() started after a write finished sees it', async () => {
    const items = connection.db!.collection<Item>('items');
    const catalog = new Catalog<Item>(
      'items',
      (id) => items.findOne({ _id: id }),
      () => items.find().toArray(),
      undefined,
      undefined,
      feeds,
    );
    await catalog.fresh();
    let finished = 0;
    let writing = true;
    const writer = (async () => {
      for (let n = 1; n <= 15; n++) {
        const id = `item${n % 5}`; // some items change again
        await items.replaceOne({ _id: id }, { updatedAt: new Date(), deletedAt: n === 15 ? new Date() : null, n }, { upsert: true });
        await publishChange('items', id, feeds);
        finished = n;
      }
      writing = false;
    })();
    const reader = async () => {
      let reads = 0;
      while (writing) {
        const seen = finished;
        await catalog.fresh();
        const newest = Math.max(0, ...catalog.live().map((item) => item.n), ...[0, 1, 2, 3, 4].map((i) => catalog.get(`item${i}`)?.n ?? 0));
        expect(newest).to.be.at.least(seen);
        reads++;
      }
      return reads;
    };
    const reads = await Promise.all([reader(), reader(), writer.then(() => 0)]);
    expect(reads[0] + reads[1]).to.be.greaterThan(2);
    await catalog.fresh();
    expect(
      catalog
        .live()
        .map((item) => item._id)
        .sort(),
    ).to.deep.equal(['item1', 'item2', 'item3', 'item4']);
    expect(catalog.get('item0')?.deletedAt).to.be.an.instanceOf(Date);
  });
});
