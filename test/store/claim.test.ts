import { expect } from 'chai';
import type mongoose from 'mongoose';
import { claim, isDuplicateKey } from '../../server/store/claim.js';
import { dropStoreDatabase, storeDatabase } from '../helpers/storeDb.js';

describe('store: claim by insert', () => {
  let connection: mongoose.Connection;
  before(async () => {
    connection = await storeDatabase();
  });
  after(() => dropStoreDatabase(connection));

  it('lets exactly one of several racers claim a key, and throws any other error', async () => {
    const claims = connection.db!.collection<{ _id: string; by: number }>('claims');
    const won = await Promise.all([1, 2, 3].map((by) => claim(() => claims.insertOne({ _id: 'version:7', by }))));
    expect(won.filter(Boolean)).to.have.length(1);
    expect((await claims.findOne({ _id: 'version:7' }))?.by).to.equal(won.indexOf(true) + 1);
    expect(await claims.countDocuments()).to.equal(1);

    const refused = await claims.insertOne({ _id: 'version:7', by: 9 }).catch((error: unknown) => error);
    expect(isDuplicateKey(refused)).to.equal(true);
    const other = new Error('the database went away');
    expect(isDuplicateKey(other)).to.equal(false);
    expect(await claim(() => Promise.reject(other)).catch((error: unknown) => error)).to.equal(other);
  });
});
