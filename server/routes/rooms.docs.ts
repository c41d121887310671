import { IdParams, pageOf } from '../../shared/schemas/common.js';
import { ListNotificationsQuery, Notification, NotificationSummary, ReadNotificationsBody } from '../../shared/schemas/notifications.js';
import {
  CreateRoomBody,
  ListRoomsQuery,
  MessagesQuery,
  ReadMarkerBody,
  Room,
  RoomMessage,
  SendMessageBody,
  UpdateRoomBody,
} from '../../shared/schemas/rooms.js';
import type { RouteDoc } from '../openapi/routeDoc.js';

const tag = 'rooms';

/** §8 and §11: rooms and notifications (rooms.ts, notifications.ts). */
export const roomsDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/rooms',
    tag,
    summary: 'Rooms of the caller',
    query: ListRoomsQuery,
    answers: { 200: { description: 'Page', schema: pageOf(Room) } },
  },
  { method: 'post', path: '/api/rooms', tag, summary: 'Create a room', body: CreateRoomBody, answers: { 201: { description: 'Created', schema: Room } } },
  { method: 'get', path: '/api/rooms/{id}', tag, summary: 'A room', params: IdParams, answers: { 200: { description: 'Room', schema: Room } } },
  {
    method: 'patch',
    path: '/api/rooms/{id}',
    tag,
    summary: 'Change a room',
    params: IdParams,
    body: UpdateRoomBody,
    answers: { 200: { description: 'Changed', schema: Room } },
  },
  {
    method: 'get',
    path: '/api/rooms/{id}/messages',
    tag,
    summary: 'Message history',
    params: IdParams,
    query: MessagesQuery,
    answers: { 200: { description: 'Page', schema: pageOf(RoomMessage) } },
  },
  {
    method: 'post',
    path: '/api/rooms/{id}/messages',
    tag,
    summary: 'Send a message',
    params: IdParams,
    body: SendMessageBody,
    answers: { 201: { description: 'Sent', schema: RoomMessage } },
  },
  {
    method: 'post',
    path: '/api/rooms/{id}/read',
    tag,
    summary: 'Move the read marker',
    params: IdParams,
    body: ReadMarkerBody,
    answers: { 204: { description: 'Done' } },
  },
  {
    method: 'get',
    path: '/api/notifications',
    tag: 'notifications',
    summary: 'The caller’s notifications, newest first',
    query: ListNotificationsQuery,
    answers: { 200: { description: 'Page', schema: pageOf(Notification) } },
  },
  {
    method: 'get',
    path: '/api/notifications/summary',
    tag: 'notifications',
    summary: 'Unread counts',
    answers: { 200: { description: 'Summary', schema: NotificationSummary } },
  },
  {
    method: 'post',
    path: '/api/notifications/read',
    tag: 'notifications',
    summary: 'Mark read',
    body: ReadNotificationsBody,
    answers: { 204: { description: 'Done' } },
  },
];
