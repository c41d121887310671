import mongoose from 'mongoose';
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
