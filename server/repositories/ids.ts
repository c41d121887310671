import mongoose from 'mongoose';

/** A record id as the database keeps it (an ObjectId). */
export type Id = mongoose.Types.ObjectId;

/** A new, unique record id. */
export const newId = (): Id => new mongoose.Types.ObjectId();

/** The id a string names (24 hex characters, checked by the request's schema). */
export const toId = (id: string): Id => new mongoose.Types.ObjectId(id);

/** Whether a value can name a record (a cursor's id, say). */
export const isId = (value: unknown): boolean => mongoose.isValidObjectId(value);
