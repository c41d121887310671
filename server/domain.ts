import type { Config } from '../config/index.js';
import { dummyHash } from './auth/passwords.js';
import { API_KEY_SESSION, readApiKeyPrincipal } from './auth/apiKeys.js';
import { PrincipalCache } from './auth/principalCache.js';
import { SecretBox } from './auth/secretBox.js';
import { readPrincipal, readPrincipals } from './auth/principalLoader.js';
import type { AccessClaims } from './auth/tokens.js';
import { createRepositories, type Repositories } from './repositories/index.js';
import { WEBHOOK_SECRETS } from './repositories/webhooks.js';
import { Lockout } from './services/auth/lockout.js';
import { ActionDueNotifier } from './services/alerts/due.js';
import { NotificationService } from './services/notifications/service.js';
import { createDocumentStorage, type DocumentStorage } from './services/documents/storage.js';

/** What the domain's services work with: built once in hub.ts from the Config and handed down. */
export interface Domain {
  config: Config;
  repos: Repositories;
  /** Where document bytes go, the organisations' data keys and the upload limit. */
  storage: DocumentStorage;
  /** What an unknown email's password is checked against (auth/passwords.ts). */
  dummyHash: Promise<string>;
  /** The sign-in lockout (its reservations in flight are this process's). */
  lockout: Lockout;
  /** The principals this process keeps (HTTP reads, sockets); services drop them on every change. */
  principals: PrincipalCache;
  /** Stored notifications: jobs asked for by actions, the worker that fans them out, the `onStored` listeners. */
  notifications: NotificationService;
  /** The hub's clock: what services take as now (tests shift what they hand to `actionsDue.run`). */
  clock: () => Date;
  /** `action.due` at the start of the day before and of the due date (§12). */
  actionsDue: ActionDueNotifier;
  /** Seals webhooks' signing secrets at rest (§14). */
  webhookSecrets: SecretBox;
}

/** Builds the domain of one hub process. */
export function createDomain(config: Config): Domain {
  const repos = createRepositories();
  const notifications = new NotificationService(repos);
  const clock = () => new Date();
  // A key's principal is kept like a session's (claims: its hash, API_KEY_SESSION) and dropped the same way.
  const readOne = (claims: Pick<AccessClaims, 'sub' | 'sid'>) =>
    claims.sid === API_KEY_SESSION ? readApiKeyPrincipal(repos, claims.sub) : readPrincipal(repos, claims);
  const readMany = (claims: Pick<AccessClaims, 'sub' | 'sid'>[]) =>
    claims.some((c) => c.sid === API_KEY_SESSION) ? Promise.all(claims.map(readOne)) : readPrincipals(repos, claims);
  return {
    config,
    repos,
    storage: createDocumentStorage(config, repos.documents),
    dummyHash: dummyHash(),
    lockout: new Lockout(repos.sessions),
    principals: new PrincipalCache(readOne, readMany),
    notifications,
    clock,
    actionsDue: new ActionDueNotifier(repos, notifications, clock),
    webhookSecrets: new SecretBox(config.masterKey, WEBHOOK_SECRETS),
  };
}
