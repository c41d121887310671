import mongoose from 'mongoose';
import { signAccessToken } from '../../server/auth/tokens.js';
import { Organisation } from '../../server/models/organisation.js';
import { Session } from '../../server/models/session.js';
import { User } from '../../server/models/user.js';
import { NotificationRepository, type StoredNotification } from '../../server/repositories/notifications.js';
import { BLOCK_SIZE } from '../../server/store/blockLog.js';

/** A seeded user and a token of theirs. */
export interface Seat {
  id: string;
  organisationId: string;
  token: string;
}

/**
 * `organisations` partner organisations with `users` members in all (round robin) and one analyst in
 * an organisation of their own (so every member is told of what they publish), written straight to the database,
 * each with the notification log the hub prepares for a new user (BENCH_PREPARE=0: without) (hashing 2,000 passwords and signing each in would
 * take the run's time): each user gets a session and an access token signed with the hub's secret.
 */
export async function seedPeople(secret: string, organisations: number, users: number, run: string) {
  const orgs = await Organisation.insertMany(
    Array.from({ length: organisations + 1 }, (_, i) => ({ slug: `bench-${run}-${i}`, name: `Bench organisation ${i}`, kind: 'regional', active: true })),
  );
  const people = Array.from({ length: users + 1 }, (_, i) => ({
    email: `bench-${run}-${i}@bench.test`,
    name: `Bench user ${i}`,
    role: i === users ? 'analyst' : 'member',
    organisationId: orgs[i === users ? organisations : i % organisations]!._id,
    passwordHash: 'not-a-hash: never signs in',
    active: true,
  }));
  const stored = await User.insertMany(people);
  const expiresAt = new Date(Date.now() + 86_400_000);
  const sessions = await Session.insertMany(stored.map((u) => ({ userId: u._id, expiresAt })));
  const seats: Seat[] = stored.map((u, i) => ({
    id: u._id.toString(),
    organisationId: u.organisationId.toString(),
    token: signAccessToken(secret, u._id.toString(), sessions[i]!._id.toString()),
  }));
  // As the hub does for a user created through it (users/commands.ts): their notification log is ready.
  if (process.env.BENCH_PREPARE !== '0') await new NotificationRepository().prepare(seats.map((s) => s.id));
  return { organisationIds: orgs.slice(0, organisations).map((o) => o._id.toString()), members: seats.slice(0, users), analyst: seats[users]! };
}

/** Fills a user's notification log with `count` notifications about `assessmentId`, as the worker writes them. */
export async function fillLog(userId: string, count: number, assessmentId: string): Promise<void> {
  const db = mongoose.connection.db!;
  const at = Date.now() - count * 1000;
  for (let first = 1; first <= count; first += BLOCK_SIZE) {
    const rows: StoredNotification[] = [];
    for (let seq = first; seq < first + BLOCK_SIZE && seq <= count; seq++) {
      rows.push({
        _id: seq,
        seq,
        key: new mongoose.Types.ObjectId().toString(),
        type: 'assessment.updated',
        createdAt: new Date(at + seq * 1000),
        readAt: null,
        actor: null,
        subject: { kind: 'assessment', id: assessmentId, country: 'SDN', title: null, classification: 'confidential' },
      });
    }
    await db.collection<StoredNotification>(`notifications_${userId}_${Math.floor((first - 1) / BLOCK_SIZE)}`).insertMany(rows);
  }
}
