import { expect } from 'chai';
import type mongoose from 'mongoose';
import { feedHead, hasEntry, publishChange, readFeed, type FeedModels } from '../../server/store/changeFeed.js';
import { dropStoreDatabase, feedsOn, storeDatabase } from '../helpers/storeDb.js';

describe('store: change feed', () => {
  let connection: mongoose.Connection;
  let feeds: FeedModels;
  before(async () => {
    connection = await storeDatabase();
    feeds = feedsOn(connection);
  });
  after(() => dropStoreDatabase(connection));

  it('gives concurrent publishers distinct, gap-free sequence numbers', async () => {
    const items = Array.from({ length: 12 }, (_, i) => `item${i}`);
    await Promise.all(items.map((item) => publishChange('things', item, feeds)));
    expect(await feedHead('things', feeds)).to.equal(items.length);
    expect(await hasEntry('things', items.length, feeds)).to.equal(true);
    expect(await hasEntry('things', items.length + 1, feeds)).to.equal(false);
    // Every number from 1 to the head names one change, and every change has one number.
    const entries = await feeds.entries.find({}).lean();
    expect(entries.map((e) => e._id).sort()).to.deep.equal(items.map((_, i) => `things:${i + 1}`).sort());
    expect(entries.map((e) => e.itemId).sort()).to.deep.equal([...items].sort());
    expect((await readFeed('things', 4, items.length, feeds))!.sort()).to.deep.equal(
      entries
        .filter((e) => Number(e._id.split(':')[1]) > 4)
        .map((e) => e.itemId)
        .sort(),
    );
    expect(await feedHead('others', feeds)).to.equal(0);
  });
});
