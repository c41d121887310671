import type { Writable } from 'node:stream';
import { presentTranscriptLine } from '../../presenters/room.js';
import { allMessages, lastSeq } from '../../repositories/messages.js';
import type { RoomDoc } from '../../repositories/rooms.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';

/**
 * `GET /api/rooms/:id/export` (§8 v2): the whole transcript as JSON lines, one per message in seq order
 * (deleted ones too), up to the last message stored when it was asked for; recorded (`room.export`)
 * before the first line leaves. Read a block at a time, so a long room never sits whole in memory.
 */
export async function exportTranscript(ctx: ActionContext, room: RoomDoc, out: Writable): Promise<void> {
  const roomId = room._id.toString();
  const last = await lastSeq(roomId);
  await recordAudit({
    actor: actorOf(ctx),
    action: 'room.export',
    ip: ctx.ip,
    outcome: 'success',
    target: { type: 'room', id: roomId, organisationId: room.createdByOrganisation.toString() },
    details: { messages: last },
  });
  for await (const rows of allMessages(roomId, last)) {
    if (out.destroyed) return;
    const chunk = rows.map((m) => `${JSON.stringify(presentTranscriptLine(m))}\n`).join('');
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve).once('close', resolve));
  }
  out.end();
}
