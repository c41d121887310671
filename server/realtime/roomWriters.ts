import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppendAnswer, AppendRequest } from '../../shared/events.js';
import { HttpError, toHttpError } from '../http/errors.js';
import type { MessageView } from '../presenters/room.js';
import type { MessageDraft } from '../repositories/messages.js';
import type { MessageWriter } from '../services/rooms/writer.js';
import { within } from '../timeouts.js';
import type { RedisClient } from './adapter.js';
import type { HubServer } from './types.js';

// With several processes, each room has one writer: the process holding the room's lease in Redis
// (taken by whoever stores first, renewed while it writes, let go when idle or at shutdown). Other
// processes hand it their senders' messages (`room:append`, through the adapter) and relay its answer.
// The writer batches every message of the room into one insert and announces them in seq order.
// Leases only steer: while Redis does not answer, or a lease is misjudged (a process stalled past it),
// processes write for themselves and the store's unique seq and clientMsgId keep the room consistent.
const LEASE_MS = 5000;
// How long another process's lease is believed before Redis is asked again (a writer that went away
// is also noticed at once: it no longer answers).
const OTHERS_KNOWN_MS = 2000;
// A Redis that does not answer (frozen, not closed) is not asked again for SUSPECT_MS, so that each
// message does not wait for it; a hand-over waits FORWARD_MS at most (the adapter's own wait for
// answers is 5 s, but its count of processes first asks Redis without a time limit).
const REDIS_ANSWER_MS = 300;
const SUSPECT_MS = 2000;
const FORWARD_MS = 6000;
const MAX_KNOWN = 10_000;
const ATTEMPTS = 3;
// At shutdown, messages handed over and still being stored get this long to be answered.
const CLOSE_GRACE_MS = 5000;

// Takes the lease if free, renews it if ours; answers the holder and the ms it still holds it.
const TAKE = `
local holder = redis.call('GET', KEYS[1])
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {ARGV[1], tonumber(ARGV[2])}
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {holder, tonumber(ARGV[2])}
end
return {holder, redis.call('PTTL', KEYS[1])}`;
// Lets go of the lease if `ARGV[1]` still holds it.
const DROP = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const toWire = (draft: MessageDraft): AppendRequest['draft'] => ({
  ...draft,
  createdAt: draft.createdAt.toISOString(),
  editedAt: null,
  replyTo: draft.replyTo ?? null,
  mentions: draft.mentions ?? [],
  reactions: [],
});

/** The draft as the sender's process built it; anything else (it came through Redis) is refused. */
function fromWire(draft: AppendRequest['draft'] | undefined): MessageDraft | null {
  if (
    !draft ||
    typeof draft.roomId !== 'string' ||
    typeof draft.body !== 'string' ||
    !Array.isArray(draft.attachments) ||
    typeof draft.author?.id !== 'string' ||
    typeof draft.createdAt !== 'string'
  )
    return null;
  return {
    roomId: draft.roomId,
    author: { id: draft.author.id, name: String(draft.author.name), organisationId: String(draft.author.organisationId) },
    body: draft.body,
    attachments: draft.attachments.map(String),
    clientMsgId: typeof draft.clientMsgId === 'string' ? draft.clientMsgId : null,
    createdAt: new Date(draft.createdAt),
    editedAt: null,
    deleted: false,
    replyTo: typeof draft.replyTo === 'number' ? draft.replyTo : null,
    mentions: Array.isArray(draft.mentions) ? draft.mentions.map(String) : [],
  };
}

/** The writer's refusal, raised again in the sender's process as the same contract error. */
function refusal({ error }: Extract<AppendAnswer, { error: unknown }>): HttpError {
  const raised = new HttpError(error.code, error.message);
  raised.retryAfterSeconds = error.retryAfterSeconds;
  return raised;
}

/** What `routeRoomWriters` returns: how to let go of this process's leases at shutdown. */
export interface RoomWriters {
  close(): Promise<void>;
}

/** Routes every message to its room's writer process, this one included; see the comment at the top. */
export function routeRoomWriters(io: HubServer, redis: RedisClient, prefix: string, log: Logger, messages: MessageWriter): RoomWriters {
  const self = randomUUID();
  const known = new Map<string, { writer: string; until: number }>();
  let closing = false;
  let warned = false;
  let suspectUntil = 0;
  const appending = new Set<Promise<void>>();
  const leaseKey = (roomId: string) => `${prefix}:${roomId}`;

  /** The room's writer (taking the lease when nobody holds it), or null when Redis cannot say. */
  async function writerOf(roomId: string): Promise<string | null> {
    const now = Date.now();
    const redisOk = !closing && redis.isReady && now >= suspectUntil;
    const hit = known.get(roomId);
    // Another process's lease is only worth a hand-over while Redis carries it.
    if (hit && hit.until > now && (hit.writer === self || redisOk)) return hit.writer;
    if (!redisOk) return null;
    try {
      const [writer, ttl] = (await within(redis.eval(TAKE, { keys: [leaseKey(roomId)], arguments: [self, String(LEASE_MS)] }), REDIS_ANSWER_MS, 'redis')) as [
        string,
        number,
      ];
      if (known.size >= MAX_KNOWN) for (const [id, entry] of known) if (entry.until <= now) known.delete(id);
      // Ours is renewed at half its life, on the next message after that.
      known.set(roomId, { writer, until: now + (writer === self ? LEASE_MS / 2 : Math.min(Math.max(ttl, 0), OTHERS_KNOWN_MS)) });
      warned = false;
      return writer;
    } catch (error) {
      suspectUntil = Date.now() + SUSPECT_MS;
      if (!warned) log.warn({ err: (error as Error).message }, "room writer leases unavailable; each process stores its own senders' messages");
      warned = true;
      return null;
    }
  }

  /** Lets go of `writer`'s lease of the room (it stopped answering, or this process is stopping). */
  async function drop(roomId: string, writer: string): Promise<void> {
    known.delete(roomId);
    if (!redis.isReady) return;
    await within(redis.eval(DROP, { keys: [leaseKey(roomId)], arguments: [writer] }), REDIS_ANSWER_MS, 'redis').catch(() => undefined);
  }

  /** Hands the message to `writer`: its answer, or 'gone' when no process answers as that writer. */
  async function forward(writer: string, draft: MessageDraft, key: string | undefined): Promise<AppendAnswer | 'gone'> {
    const request: AppendRequest = { writer, draft: toWire(draft), key: key ?? null };
    let answers: (AppendAnswer | null)[];
    try {
      answers = await within(io.serverSideEmitWithAck('room:append', request), FORWARD_MS, "the room's writer");
    } catch (error) {
      // Some process did not answer in time: if the writer did, its answer stands.
      answers = (error as { responses?: (AppendAnswer | null)[] }).responses ?? [];
      const answer = answers.find((a) => a !== null);
      if (answer) return answer;
      // Redis or the writer is stuck: the next messages are stored here for a while (safely: see the top).
      known.delete(draft.roomId);
      suspectUntil = Date.now() + SUSPECT_MS;
      // The writer may still store this one: the sender retries with its clientMsgId, which finds it.
      throw new HttpError('unavailable', "The room's writer did not answer in time; try again shortly.");
    }
    return answers.find((a) => a !== null) ?? 'gone';
  }

  /** Answers another process's `room:append` when this process is the writer it names. */
  async function append(request: AppendRequest): Promise<AppendAnswer> {
    const draft = fromWire(request.draft);
    if (!draft) return { error: { code: 'invalid_request', message: 'The message could not be read.' } };
    if (closing) return { notWriter: true };
    const writer = await writerOf(draft.roomId);
    if (writer !== null && writer !== self) return { notWriter: true };
    try {
      return { message: await messages.storeHere(draft, request.key ?? undefined) };
    } catch (error) {
      const http = toHttpError(error);
      return { error: { code: http.code, message: http.message, retryAfterSeconds: http.retryAfterSeconds } };
    }
  }

  io.on('room:append', (request, reply) => {
    // Anything else on the channel (sent without an acknowledgement, or garbled) is ignored, never thrown on.
    if (typeof reply !== 'function') return;
    if (request?.writer !== self) {
      reply(null);
      return;
    }
    const answered = append(request)
      .then(reply)
      .catch(() => undefined);
    appending.add(answered);
    void answered.finally(() => appending.delete(answered));
  });

  messages.routeThrough({
    async store(draft, clientKey): Promise<MessageView> {
      // A message without a clientMsgId gets a claim of its own here, so that if a writer judged gone had
      // stored it after all, storing it in this process finds it instead of storing it twice.
      const key = clientKey ?? `~${randomUUID()}`;
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const writer = await writerOf(draft.roomId);
        if (writer === null || writer === self) break;
        const answer = await forward(writer, draft, key);
        if (answer === 'gone') await drop(draft.roomId, writer);
        else if ('notWriter' in answer) known.delete(draft.roomId);
        else if ('error' in answer) throw refusal(answer);
        else return answer.message;
      }
      return messages.storeHere(draft, key);
    },
  });

  return {
    async close() {
      closing = true;
      messages.routeThrough(null);
      // Handed-over messages being stored are answered before the leases go (and before io closes).
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...appending]),
        new Promise((resolve) => {
          grace = setTimeout(resolve, CLOSE_GRACE_MS);
        }),
      ]);
      clearTimeout(grace);
      const mine = [...known].filter(([, entry]) => entry.writer === self).map(([roomId]) => roomId);
      await Promise.all(mine.map((roomId) => drop(roomId, self)));
    },
  };
}
