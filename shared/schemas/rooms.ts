import { z } from 'zod';
import { Tlp } from '../sharing.js';
import { Id, IsoTime, PageQuery } from './common.js';

export const MESSAGE_MAX_LENGTH = 8000;
export const ROOM_NAME_MAX_LENGTH = 200;
export const CLIENT_MSG_ID_MAX_LENGTH = 100;
export const ATTACHMENTS_MAX = 10;
export const HISTORY_LIMIT_MAX = 200;
export const ROOM_ORGANISATIONS_MAX = 50;
/** At most this many messages per user in any RATE_WINDOW_MS (§8). */
export const MESSAGE_RATE_LIMIT = 20;
export const MESSAGE_RATE_WINDOW_MS = 10_000;
/** At most this many users mentioned in one message. */
export const MENTIONS_MAX = 50;
/** The reactions a message can carry (§8 v2), in the order the web app offers them. */
export const REACTIONS = ['👍', '✅', '👀', '❗', '❓'] as const;
export const SEARCH_QUERY_MAX_LENGTH = 200;

const RoomName = z.string().trim().min(1).max(ROOM_NAME_MAX_LENGTH);
const Country = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as SDN');
/** A message body: 1–8000 characters of plain text. */
export const MessageBody = z
  .string()
  .min(1)
  .max(MESSAGE_MAX_LENGTH)
  .refine((s) => s.trim().length > 0, 'must not be blank');
export const ClientMsgId = z
  .string()
  .min(1)
  .max(CLIENT_MSG_ID_MAX_LENGTH)
  .regex(/^[A-Za-z0-9._:-]+$/, 'may hold letters, digits and . _ : -');
/** A message id as the API shows it: `<roomId>:<seq>`. */
export const MessageId = z.string().regex(/^[0-9a-f]{24}:[1-9][0-9]{0,11}$/, 'must be a message id');
const Attachments = z.array(Id).max(ATTACHMENTS_MAX);
const ReplyTo = z.number().int().min(1).max(1e12).nullable();
const Mentions = z.array(Id).max(MENTIONS_MAX);
/** A search of messages (§8 v2): words match as in assessments' `q` (each a prefix of a word, folded). */
const SearchText = z.string().trim().min(1).max(SEARCH_QUERY_MAX_LENGTH);

export const CreateRoomBody = z.strictObject({
  name: RoomName,
  country: Country.nullable().optional(),
  organisations: z.array(Id).max(ROOM_ORGANISATIONS_MAX),
  tlp: Tlp.default('amber'),
});

export const UpdateRoomBody = z.strictObject({
  name: RoomName.optional(),
  organisations: z.array(Id).max(ROOM_ORGANISATIONS_MAX).optional(),
  archived: z.boolean().optional(),
  tlp: Tlp.optional(),
});

const SeqNumber = z.coerce.number().int().min(0).max(1e12);

export const MessagesQuery = z.strictObject({
  after: SeqNumber.optional(),
  before: SeqNumber.optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_LIMIT_MAX).default(50),
  cursor: z.string().max(64).optional(),
  q: SearchText.optional(),
});

/** `GET /api/messages/search?q=` (§8 v2): over the rooms of the caller's organisation. */
export const SearchMessagesQuery = z.strictObject({
  q: SearchText,
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(128).optional(),
});

export const ListRoomsQuery = PageQuery;

export const SendMessageBody = z.strictObject({
  body: MessageBody,
  clientMsgId: ClientMsgId.optional(),
  attachments: Attachments.optional(),
  replyTo: ReplyTo.optional(),
  mentions: Mentions.optional(),
});

export const ReadMarkerBody = z.strictObject({ seq: SeqNumber });

// Socket payloads (§8); every one is validated as strictly as an HTTP body.
export const RoomIdPayload = Id;
export const SendPayload = z.strictObject({
  roomId: Id,
  body: MessageBody,
  clientMsgId: ClientMsgId,
  attachments: Attachments.optional(),
  replyTo: ReplyTo.optional(),
  mentions: Mentions.optional(),
});
export const ReactPayload = z.strictObject({ messageId: MessageId, emoji: z.enum(REACTIONS) });
export const EditPayload = z.strictObject({ messageId: MessageId, body: MessageBody });
export const DeletePayload = z.strictObject({ messageId: MessageId });
export const HistoryPayload = z.strictObject({ roomId: Id, afterSeq: SeqNumber, limit: z.number().int().min(1).max(HISTORY_LIMIT_MAX) });
export const TypingPayload = z.strictObject({ roomId: Id });

/** A situation room as the API shows it (§8); `unread` for the caller on lists and reads. */
export const Room = z.object({
  id: Id,
  name: z.string(),
  country: Country.nullable(),
  organisations: z.array(Id),
  createdBy: Id,
  /** The organisation that created it (its admins and analysts manage the room): an extra for the web app. */
  createdByOrganisation: Id,
  createdAt: IsoTime,
  archived: z.boolean(),
  tlp: Tlp,
  lastSeq: z.number().int().min(0),
  unread: z.number().int().min(0).optional(),
  /** (v2, lists) when the last message was written; null in a room without messages. */
  lastMessageAt: IsoTime.nullable().optional(),
  /** (v2, lists) an unread message mentions the caller. */
  mentioned: z.boolean().optional(),
});
export type Room = z.infer<typeof Room>;

/** A message of a situation room (§8); a deleted one keeps its seq but not its text. */
export const RoomMessage = z.object({
  id: MessageId,
  roomId: Id,
  seq: z.number().int().min(1),
  author: z.object({ id: Id, name: z.string(), organisationId: Id }),
  body: z.string(),
  attachments: z.array(Id),
  clientMsgId: z.string().nullable(),
  createdAt: IsoTime,
  editedAt: IsoTime.nullable(),
  deleted: z.boolean(),
  /** (v2) the seq of the message this one answers, in the same room. */
  replyTo: z.number().int().min(1).nullable(),
  /** (v2) the users this message mentions. */
  mentions: z.array(Id),
  /** (v2) who reacted with what; an emoji nobody holds is left out. */
  reactions: z.array(z.object({ emoji: z.enum(REACTIONS), userIds: z.array(Id) })),
});
export type RoomMessage = z.infer<typeof RoomMessage>;

/** A search match (§8 v2): the message and its room. */
export const MessageMatch = z.object({ message: RoomMessage, roomId: Id });
export type MessageMatch = z.infer<typeof MessageMatch>;

/** `GET /api/rooms/:id/reads` (§8 v2): per organisation of the room, the furthest any of its users read. */
export const RoomReads = z.object({ items: z.array(z.object({ organisationId: Id, readSeq: z.number().int().min(0) })) });
export type RoomReads = z.infer<typeof RoomReads>;

/** `GET /api/rooms/:id/members` (extra, for mentions): the active users of the room's organisations. */
export const RoomMembers = z.object({ items: z.array(z.object({ id: Id, name: z.string(), organisationId: Id })) });
export type RoomMembers = z.infer<typeof RoomMembers>;

/** One line of `GET /api/rooms/:id/export` (§8 v2); `edits` holds the earlier bodies, oldest first. */
export const TranscriptLine = z.object({
  seq: z.number().int().min(1),
  author: z.object({ id: Id, name: z.string(), organisationId: Id }),
  createdAt: IsoTime,
  body: z.string(),
  edits: z.array(z.object({ body: z.string(), at: IsoTime })),
  deleted: z.boolean(),
});
export type TranscriptLine = z.infer<typeof TranscriptLine>;
