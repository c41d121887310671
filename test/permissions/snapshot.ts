import { get } from '../helpers/http.js';
import { allPages } from './table.js';
import { adminOf, type World } from './world.js';

async function body(path: string, token: string): Promise<unknown> {
  const res = await get(path, token);
  if (res.status !== 200) throw new Error(`snapshot: ${path} answered ${res.status}`);
  return res.body;
}

/**
 * Everything a refused write could have changed in the shared fixtures, as their owners see it: each
 * assessment with its versions (comments are checked one by one, see the table), each document with its versions, each room with its
 * messages, the organisations' records and the target users'. Allowed writes act on copies, so this
 * must read the same before and after the matrix.
 */
export async function snapshot(w: World): Promise<Record<string, unknown>> {
  const entries: [string, unknown][] = [];
  const office = w.officeAdmin.token;
  const organisations = (await allPages('/api/organisations?includeInactive=1', office)) as { id: string; updatedAt?: string }[];
  for (const [key, id] of Object.entries(w.orgIds)) {
    // The Office admin's allowed renames keep the name (the fixtures are shared) but do touch updatedAt.
    const { updatedAt: _touched, ...record } = organisations.find((o) => o.id === id) ?? { id };
    entries.push([`organisation ${key}`, record]);
  }
  await Promise.all([
    ...w.assessments.map(async (a) => {
      const token = adminOf(w, a.spec.owner).token;
      entries.push([
        `assessment ${a.spec.key}`,
        await Promise.all([body(`/api/assessments/${a.id}`, token), body(`/api/assessments/${a.id}/versions`, token)]),
      ]);
    }),
    ...w.documents.map(async (d) => entries.push([`document ${d.spec.key}`, await body(`/api/documents/${d.id}`, adminOf(w, d.spec.owner).token)])),
    ...w.alerts.map(async (a) => entries.push([`alert ${a.spec.key}`, await body(`/api/alerts/${a.id}`, adminOf(w, a.spec.owner).token)])),
    ...w.actions.map(async (a) => entries.push([`action ${a.spec.key}`, await body(`/api/actions/${a.id}`, adminOf(w, a.spec.alert.owner).token)])),
    ...w.rooms.map(async (r) => {
      const token = adminOf(w, r.spec.creator).token;
      entries.push([`room ${r.spec.key}`, await Promise.all([body(`/api/rooms/${r.id}`, token), body(`/api/rooms/${r.id}/messages?limit=200`, token)])]);
    }),
    ...(['O', 'A', 'B', 'C'] as const).map(async (org) => {
      const users = (await allPages(`/api/organisations/${w.orgIds[org]}/users`, office)) as { id: string }[];
      const watched = [
        ...w.targets.filter((t) => t.spec.org === org).map((t) => [t.spec.key, t.id]),
        ...(org === 'A' ? [['the deactivated user', w.deactivatedId]] : []),
      ];
      for (const [key, id] of watched) entries.push([`user ${key}`, users.find((u) => u.id === id)]);
    }),
  ]);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
