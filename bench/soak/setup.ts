import { PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD } from '../../test/helpers/process.js';
import { call, createAudience } from '../chat/setup.js';

/** A signed-in user of the soak: their token and organisation. */
export interface SoakUser {
  token: string;
  organisationId: string;
}

/** A situation room of the soak and the organisations that are its members. */
export interface SoakRoom {
  id: string;
  organisations: string[];
}

/** Everything the soak's load works on, all created through the API. */
export interface World {
  /** Members of the five organisations (the chat benchmark's audience), one socket user each. */
  members: SoakUser[];
  /** One analyst per partner organisation: the writers of assessment drafts. */
  analysts: SoakUser[];
  rooms: SoakRoom[];
  /** Published assessments every organisation may read. */
  assessments: string[];
  documents: string[];
  seconds: number;
}

/** A valid assessment body (two risk factors), as the API's `POST /api/assessments` takes it. */
export function assessmentBody(n: number, sharing: { scope: string; organisations: string[] }) {
  return {
    country: ['SDN', 'KEN', 'MLI', 'ETH', 'NGA'][n % 5],
    title: `Soak assessment ${n}`,
    summary: 'Tensions around the coming elections; incitement on local radio; displacement from the border districts.',
    periodStart: '2026-07-01',
    periodEnd: '2026-09-30',
    overallRisk: n % 5,
    riskFactors: [
      { number: 1, level: 2, trend: 'stable', indicators: ['1.1'], notes: 'Localised clashes.' },
      { number: 8, level: 3, trend: 'deteriorating', indicators: ['8.7', '8.8'], notes: 'Elections in March.' },
    ],
    classification: 'confidential',
    sharing,
  };
}

/** The organisations of room `r`: all five for the first (the audience's room), else the Office and two or three partners in turn. */
function partnersOf(r: number, partners: string[]): string[] {
  const combos: number[][] = [];
  for (let a = 0; a < partners.length; a++) for (let b = a + 1; b < partners.length; b++) combos.push([a, b]);
  for (let skip = 0; skip < partners.length; skip++) combos.push(partners.map((_, i) => i).filter((i) => i !== skip));
  return combos[(r - 1) % combos.length]!.map((i) => partners[i]!);
}

/**
 * As the Office admin, through the API: the chat benchmark's audience (`users` members of the Office
 * and four partners, signed in, and one room of all five), `rooms - 1` more rooms of the Office with two
 * or three partners each, an analyst per partner with `perAnalyst` published assessments shared with
 * every organisation, and `documents` small text documents shared with every organisation.
 */
export async function createWorld(port: number, options: { users: number; rooms: number; perAnalyst: number; documents: number }): Promise<World> {
  const started = performance.now();
  const audience = await createAudience(port, options.users);
  const admin = await call<{ accessToken: string; user: { organisationId: string } }>(port, 'POST', '/api/auth/login', {
    email: PROCESS_ADMIN_EMAIL,
    password: PROCESS_ADMIN_PASSWORD,
  });
  const office = admin.user.organisationId;
  const first = await call<{ organisations: string[] }>(port, 'GET', `/api/rooms/${audience.roomId}`, undefined, admin.accessToken);
  const partners = first.organisations.filter((id) => id !== office);
  const members: SoakUser[] = [];
  for (const token of audience.tokens) {
    const me = await call<{ user: { organisationId: string } }>(port, 'GET', '/api/me', undefined, token);
    members.push({ token, organisationId: me.user.organisationId });
  }
  const rooms: SoakRoom[] = [{ id: audience.roomId, organisations: [office, ...partners] }];
  for (let r = 1; r < options.rooms; r++) {
    const chosen = partnersOf(r, partners);
    const room = await call<{ id: string }>(port, 'POST', '/api/rooms', { name: `Soak room ${r}`, country: 'SDN', organisations: chosen }, admin.accessToken);
    rooms.push({ id: room.id, organisations: [office, ...chosen] });
  }
  const run = Math.random().toString(36).slice(2, 8);
  const analysts: SoakUser[] = [];
  for (const [i, organisationId] of partners.entries()) {
    const email = `soak-analyst-${run}-${i}@bench.test`;
    const password = `soak-analyst-password-${run}-${i}`;
    await call(port, 'POST', `/api/organisations/${organisationId}/users`, { email, name: `Soak analyst ${i}`, role: 'analyst', password }, admin.accessToken);
    const login = await call<{ accessToken: string }>(port, 'POST', '/api/auth/login', { email, password });
    analysts.push({ token: login.accessToken, organisationId });
  }
  const assessments: string[] = [];
  for (const [i, analyst] of analysts.entries()) {
    for (let n = 0; n < options.perAnalyst; n++) {
      const created = await call<{ id: string }>(
        port,
        'POST',
        '/api/assessments',
        assessmentBody(i * 100 + n, { scope: 'all', organisations: [] }),
        analyst.token,
      );
      await call(port, 'POST', `/api/assessments/${created.id}/publish`, {}, analyst.token);
      assessments.push(created.id);
    }
  }
  const documents: string[] = [];
  for (let n = 0; n < options.documents; n++) {
    const form = new FormData();
    form.append('title', `Soak situation report ${n}`);
    form.append('classification', 'unclassified');
    form.append('sharing', JSON.stringify({ scope: 'all', organisations: [] }));
    form.append(
      'file',
      new Blob([`Situation report ${n}\nConvoys reached the camps; the market stays closed.\n`.repeat(20)], { type: 'text/plain' }),
      `report-${n}.txt`,
    );
    const res = await fetch(`http://127.0.0.1:${port}/api/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.accessToken}` },
      body: form,
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`POST /api/documents answered ${res.status}: ${text.slice(0, 200)}`);
    documents.push((JSON.parse(text) as { id: string }).id);
  }
  return { members, analysts, rooms, assessments, documents, seconds: (performance.now() - started) / 1000 };
}
