import mongoose from 'mongoose';
import { FeedEntry, FeedHead } from '../../server/models/changeFeed.js';
import type { FeedModels } from '../../server/store/changeFeed.js';
import { freshDatabaseUri } from './hub.js';

/** A connection to a database of its own on the test run's FerretDB, for the store's unit tests. */
export async function storeDatabase(): Promise<mongoose.Connection> {
  return mongoose.createConnection(freshDatabaseUri('store')).asPromise();
}

/** Drops the database and closes the connection. */
export async function dropStoreDatabase(connection: mongoose.Connection): Promise<void> {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
}

/** The change feed's models bound to `connection` (the hub's are bound to its own database). */
export function feedsOn(connection: mongoose.Connection): FeedModels {
  return { entries: connection.model('FeedEntry', FeedEntry.schema), heads: connection.model('FeedHead', FeedHead.schema) };
}
