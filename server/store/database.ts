import mongoose, { type mongo } from 'mongoose';

/** The driver's handle of the hub's database (collections mongoose has no model for: numbered blocks). */
export function connectedDb(): mongo.Db {
  const handle = mongoose.connection.db;
  if (!handle) throw Object.assign(new Error('database not connected'), { name: 'MongoNotConnectedError' });
  return handle;
}
