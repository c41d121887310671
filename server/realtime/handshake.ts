import type { ExtendedError } from 'socket.io';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../shared/errors.js';
import type { SocketPrincipal } from '../../shared/events.js';
import type { Principal } from '../auth/principal.js';
import type { PrincipalCache } from '../auth/principalCache.js';
import { verifyAccessToken } from '../auth/tokens.js';
import { dbState } from '../db/connection.js';
import { isDatabaseDown } from '../http/errors.js';
import { organisationRoom, sessionRoom, userRoom } from './rooms.js';
import type { HubSocket } from './types.js';

// A JWT of ours is a few hundred bytes; anything far longer is not worth verifying.
const TOKEN_MAX_LENGTH = 4096;

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthenticated: 'Sign in to continue; your session is missing, expired or ended.',
  unavailable: 'The database is not answering; try again shortly.',
  rate_limited: 'Too many connections for this account; close some tabs or devices and try again.',
  internal: 'Something went wrong on our side.',
};

/** The `connect_error` a client sees: `message` is the contract's code, `data` the usual error body. */
export function refusal(code: ErrorCode): ExtendedError {
  const error: ExtendedError = new Error(code);
  error.data = { code, message: MESSAGES[code] ?? code };
  return error;
}

/** The plain data about a principal that a socket carries. */
export function toSocketPrincipal(principal: Principal): SocketPrincipal {
  return {
    userId: String(principal.user._id),
    sessionId: principal.sessionId,
    organisationId: String(principal.organisation._id),
    organisationKind: principal.organisation.kind as SocketPrincipal['organisationKind'],
    role: principal.user.role as SocketPrincipal['role'],
    name: principal.user.name,
  };
}

/** The same check as HTTP: token signature and claims, then session, user and organisation in the database. */
async function principalFor(principals: PrincipalCache, auth: Record<string, unknown>, secret: string): Promise<Principal | ErrorCode> {
  const token = auth.token;
  if (typeof token !== 'string' || token.length === 0 || token.length > TOKEN_MAX_LENGTH) return 'unauthenticated';
  const claims = verifyAccessToken(secret, token);
  if (!claims) return 'unauthenticated';
  if (!dbState.up) return 'unavailable';
  // Read now (never a kept copy), and kept for the socket's first events.
  return (await principals.fresh(claims)) ?? 'unauthenticated';
}

/** The `io.use` middleware: authenticates the handshake, then joins the user's, organisation's and session's rooms. */
export function authenticateHandshake(principals: PrincipalCache, secret: string, log: Logger) {
  return (socket: HubSocket, next: (error?: ExtendedError) => void): void => {
    principalFor(principals, socket.handshake.auth, secret).then(
      (result) => {
        if (typeof result === 'string') return next(refusal(result));
        const principal = toSocketPrincipal(result);
        socket.data.principal = principal;
        void socket.join([userRoom(principal.userId), organisationRoom(principal.organisationId), sessionRoom(principal.sessionId)]);
        next();
      },
      (error: unknown) => {
        const down = isDatabaseDown(error);
        if (down) log.warn({ err: (error as Error).message }, 'socket handshake: database unavailable');
        else log.error({ err: error }, 'socket handshake failed');
        next(refusal(down ? 'unavailable' : 'internal'));
      },
    );
  };
}

/**
 * Re-checks a just-connected socket's session. Broadcasts skip sockets still in the handshake, so a
 * revocation published between the middleware's check and the connection would otherwise be missed.
 */
export async function confirmSession(principals: PrincipalCache, socket: HubSocket, secret: string, log: Logger): Promise<void> {
  let result: Principal | ErrorCode;
  try {
    result = await principalFor(principals, socket.handshake.auth, secret);
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'socket session re-check failed; disconnecting');
    socket.disconnect(true);
    return;
  }
  if (result === 'unavailable') {
    socket.disconnect(true); // fail closed; the client reconnects and is told `unavailable`
  } else if (typeof result === 'string') {
    socket.emit('session:revoked', { reason: 'session_ended' });
    socket.disconnect(true);
  }
}
