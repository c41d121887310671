import mongoose, { Schema } from 'mongoose';

const feedHeadSchema = new Schema(
  { _id: { type: String, required: true }, seq: { type: Number, required: true, default: 0 } },
  { strict: 'throw', versionKey: false },
);

const feedEntrySchema = new Schema(
  {
    // `<feed>:<seq>`: readers walk the feed by `_id` lookups.
    _id: { type: String, required: true },
    itemId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** The last sequence number of each change feed. */
export const FeedHead = mongoose.model('FeedHead', feedHeadSchema);
/** One change of a feed: which item changed. */
export const FeedEntry = mongoose.model('FeedEntry', feedEntrySchema);
