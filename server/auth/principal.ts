import type { OrganisationDoc } from '../models/organisation.js';
import type { UserDoc } from '../models/user.js';

/** Who is asking: the user, their organisation and the session (login) the token belongs to. */
export interface Principal {
  user: UserDoc;
  organisation: OrganisationDoc;
  sessionId: string;
  /** Set when a partner system's API key acts (§14): then `user` stands for the key, not a person. */
  apiKeyId?: string;
}
