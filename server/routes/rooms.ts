import { Router, type Request } from 'express';
import { IdParams } from '../../shared/schemas/common.js';
import {
  CreateRoomBody,
  ListRoomsQuery,
  MessagesQuery,
  ReadMarkerBody,
  SearchMessagesQuery,
  SendMessageBody,
  UpdateRoomBody,
} from '../../shared/schemas/rooms.js';
import { auth, principalOf } from '../auth/passport.js';
import { attachmentDisposition } from '../http/contentDisposition.js';
import { HttpError } from '../http/errors.js';
import { decodeCursor, encodeCursor } from '../http/paging.js';
import { input, validate } from '../http/validate.js';
import { authorize } from '../policies/helpers.js';
import { canCreateRoom, exportRoomVerdict, manageRoomVerdict, roomMemberVerdict } from '../policies/room.js';
import { contextOf } from '../services/context.js';
import { createRoom, markRead, sendMessage, updateRoom } from '../services/rooms/commands.js';
import { describeRoom, findRoom, history, listRooms, roomMembers, roomReads } from '../services/rooms/queries.js';
import { searchInRoom, searchMyRooms } from '../services/rooms/search.js';
import { exportTranscript } from '../services/rooms/transcript.js';
import type { RoomRuntime } from '../services/rooms/runtime.js';
import type { Principal } from '../auth/principal.js';
import type { RoomDoc } from '../repositories/rooms.js';

const signed = (req: Request) => ({ ...contextOf(req), principal: principalOf(req) });

async function load(req: Request, verdict: (p: Principal, room: RoomDoc) => { visible: boolean; allowed: boolean }) {
  const room = await findRoom(input(req, 'params', IdParams).id);
  authorize(verdict(principalOf(req), room), 'room');
  return room;
}

/** `/api/rooms` (§8): the REST side of situation rooms, a fallback for every socket action that stores. */
export function roomsRouter(rooms: RoomRuntime): Router {
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListRoomsQuery }), async (req, res) => {
    res.json(await listRooms(rooms, principalOf(req), input(req, 'query', ListRoomsQuery)));
  });

  router.post('/', validate({ body: CreateRoomBody }), async (req, res) => {
    authorize({ visible: true, allowed: canCreateRoom(principalOf(req)) }, 'room');
    res.status(201).json(await createRoom(rooms, signed(req), input(req, 'body', CreateRoomBody)));
  });

  router.get('/:id', validate({ params: IdParams }), async (req, res) => {
    res.json(await describeRoom(rooms, principalOf(req), await load(req, roomMemberVerdict)));
  });

  router.patch('/:id', validate({ params: IdParams, body: UpdateRoomBody }), async (req, res) => {
    const room = await load(req, manageRoomVerdict);
    res.json(await updateRoom(rooms, signed(req), room, input(req, 'body', UpdateRoomBody)));
  });

  router.get('/:id/messages', validate({ params: IdParams, query: MessagesQuery }), async (req, res) => {
    const room = await load(req, roomMemberVerdict);
    const query = input(req, 'query', MessagesQuery);
    if (query.q !== undefined) {
      if (query.after !== undefined || query.before !== undefined) throw new HttpError('invalid_request', 'q: is not combined with after or before.');
      res.json(await searchInRoom(rooms.indexer, room, query.q, query));
      return;
    }
    // The cursor continues in the direction the first page went: forward after `after`, back before `before`.
    let { after, before } = query;
    if (query.cursor) {
      const [direction, seq] = decodeCursor(query.cursor, ['string', 'number']) as ['after' | 'before', number];
      if (direction === 'before') before = seq;
      else after = seq;
    }
    const items = await history(room, { after, before, limit: query.limit });
    const backwards = before !== undefined && after === undefined;
    const edge = backwards ? items[0] : items[items.length - 1];
    const more = items.length === query.limit && edge !== undefined && (!backwards || edge.seq > 1);
    res.json({ items, nextCursor: more ? encodeCursor([backwards ? 'before' : 'after', edge.seq]) : null });
  });

  router.post('/:id/messages', validate({ params: IdParams, body: SendMessageBody }), async (req, res) => {
    const room = await load(req, roomMemberVerdict);
    res.status(201).json(await sendMessage(rooms, principalOf(req), room, input(req, 'body', SendMessageBody)));
  });

  router.post('/:id/read', validate({ params: IdParams, body: ReadMarkerBody }), async (req, res) => {
    const room = await load(req, roomMemberVerdict);
    await markRead(principalOf(req), room, input(req, 'body', ReadMarkerBody).seq);
    res.status(204).end();
  });

  router.get('/:id/reads', validate({ params: IdParams }), async (req, res) => {
    res.json(await roomReads(rooms, await load(req, roomMemberVerdict)));
  });

  router.get('/:id/members', validate({ params: IdParams }), async (req, res) => {
    res.json(await roomMembers(rooms, await load(req, roomMemberVerdict)));
  });

  router.get('/:id/export', validate({ params: IdParams }), async (req, res) => {
    const room = await load(req, exportRoomVerdict);
    res.type('application/x-ndjson').setHeader('Content-Disposition', attachmentDisposition(`room-${room._id.toString()}.jsonl`));
    await exportTranscript(signed(req), room, res);
  });

  return router;
}

/** `/api/messages/search` (§8 v2): matches in the rooms of the caller's organisation, newest first. */
export function messageSearchRouter(rooms: RoomRuntime): Router {
  const router = Router();
  router.use(auth());
  router.get('/search', validate({ query: SearchMessagesQuery }), async (req, res) => {
    res.json(await searchMyRooms(rooms.indexer, principalOf(req), input(req, 'query', SearchMessagesQuery)));
  });
  return router;
}
