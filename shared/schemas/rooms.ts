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
});

export const ListRoomsQuery = PageQuery;

export const SendMessageBody = z.strictObject({ body: MessageBody, clientMsgId: ClientMsgId.optional(), attachments: Attachments.optional() });

export const ReadMarkerBody = z.strictObject({ seq: SeqNumber });

// Socket payloads (§8); every one is validated as strictly as an HTTP body.
export const RoomIdPayload = Id;
export const SendPayload = z.strictObject({ roomId: Id, body: MessageBody, clientMsgId: ClientMsgId, attachments: Attachments.optional() });
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
});
export type RoomMessage = z.infer<typeof RoomMessage>;
