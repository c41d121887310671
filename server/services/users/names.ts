import type { Domain } from '../../domain.js';

/** What an answer names its authors by: its own `createdBy`/`updatedBy` and its versions'. */
interface Authored {
  createdBy?: string;
  updatedBy?: string;
  versions?: { createdBy?: string; updatedBy?: string }[];
  items?: { createdBy?: string; updatedBy?: string }[];
}

/** The display names of these users (one read); ids of unknown users are left out. */
export async function namesOf(domain: Domain, ids: Iterable<string>): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return {};
  const users = await domain.repos.users.findMany(unique);
  return Object.fromEntries(users.map((u) => [u._id.toString(), u.name]));
}

/**
 * An answer with `names`: the name of each person it names as an author (`createdBy`, `updatedBy`,
 * its versions' or items'). Only the authors of what the reader was already allowed to read are named, as a
 * comment or a message names its author.
 */
export async function withAuthorNames<T extends Authored>(domain: Domain, answer: T): Promise<T & { names: Record<string, string> }> {
  const ids: string[] = [];
  for (const item of [answer, ...(answer.versions ?? []), ...(answer.items ?? [])]) {
    if (item.createdBy) ids.push(item.createdBy);
    if (item.updatedBy) ids.push(item.updatedBy);
  }
  return { ...answer, names: await namesOf(domain, ids) };
}
