import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const commentSchema = new Schema(
  {
    assessmentId: { type: Schema.Types.ObjectId, required: true, index: true },
    author: {
      id: { type: Schema.Types.ObjectId, required: true },
      name: { type: String, required: true },
      organisationId: { type: Schema.Types.ObjectId, required: true },
    },
    body: { type: String, required: true },
    createdAt: { type: Date, required: true },
    // The assessment's audience keys when the comment was written (§5 v2): widening later never opens it.
    audience: { type: [String], default: undefined },
  },
  { strict: 'throw', versionKey: false },
);

export type CommentDoc = InferSchemaType<typeof commentSchema> & { _id: mongoose.Types.ObjectId };
/** A comment on an assessment by someone who can see it. */
export const Comment = mongoose.model('Comment', commentSchema);
