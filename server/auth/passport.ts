import type { Request, RequestHandler } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import type { Domain } from '../domain.js';
import { HttpError } from '../http/errors.js';
import { API_KEY_SESSION, bearerApiKey, hashApiKey } from './apiKeys.js';
import type { Principal } from './principal.js';
import { asAccessClaims, signingKey, verifyEnrolmentToken, verifyOptions } from './tokens.js';

// A read may use the principal kept for a few seconds (principalCache.ts); a write is always authorised
// against the database as it is now, and reads the user's secrets (password hash, MFA) fresh.
const READS = new Set(['GET', 'HEAD']);

/** Registers the JWT strategy: bearer tokens, HS256 only, our issuer and audience, then the principal. */
export function initialisePassport(domain: Pick<Domain, 'config' | 'principals'>): void {
  const { config, principals } = domain;
  const { algorithms, issuer, audience, maxAge } = verifyOptions();
  passport.use(
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        // passport-jwt hands the key to jsonwebtoken, which takes a KeyObject (typed here as a string).
        secretOrKey: signingKey(config.jwtSecret) as unknown as string,
        algorithms,
        issuer: issuer as string,
        audience: audience as string,
        jsonWebTokenOptions: { maxAge },
        passReqToCallback: true,
      },
      (req: Request, payload: unknown, done: (error: unknown, user?: Principal | false) => void) => {
        const claims = asAccessClaims(payload);
        if (!claims) return done(null, false);
        const principal = READS.has(req.method) ? principals.cached(claims) : principals.fresh(claims);
        principal.then((found) => done(null, found ?? false), done);
      },
    ),
  );
  passport.use('api-key', new ApiKeyStrategy(principals));
}

/**
 * API keys (§14) as bearer tokens: a key's principal goes through the same cache as a session's (a read may
 * use a copy a few seconds old, dropped on every process when the key is revoked), so revocation is at once.
 */
class ApiKeyStrategy extends passport.Strategy {
  override name = 'api-key';

  constructor(private readonly principals: Domain['principals']) {
    super();
  }

  override authenticate(req: Request): void {
    const key = bearerApiKey(req.get('authorization'));
    if (!key) return this.fail(401);
    const claims = { sub: hashApiKey(key), sid: API_KEY_SESSION };
    const principal = READS.has(req.method) ? this.principals.cached(claims) : this.principals.fresh(claims);
    principal.then(
      (found) => (found ? this.success(found) : this.fail(401)),
      (error: unknown) => this.error(error as Error),
    );
  }
}

/** Requires a valid access token or API key; 401 `unauthenticated` otherwise (503 if the database is down). */
export function auth(): RequestHandler {
  return (req, res, next) => {
    passport.authenticate(bearerApiKey(req.get('authorization')) ? 'api-key' : 'jwt', { session: false }, (error: unknown, principal: Principal | false) => {
      if (error) return next(error);
      if (!principal) return next(new HttpError('unauthenticated', 'Sign in to continue; your session is missing, expired or ended.'));
      req.user = principal;
      next();
    })(req, res, next);
  };
}

/**
 * Like auth(), but also takes an enrolment token (§3 v2) for its user while MFA is still off; the
 * principal then has no session (`sessionId` empty) and `res.locals.enrolment` is true.
 */
export function authOrEnrolment(domain: Pick<Domain, 'config' | 'repos'>): RequestHandler {
  const { config, repos } = domain;
  const plain = auth();
  return (req, res, next) => {
    const bearer = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    const claims = bearer ? verifyEnrolmentToken(config.jwtSecret, bearer) : null;
    if (!claims) return plain(req, res, next);
    enrolmentPrincipal(repos, claims).then((principal) => {
      if (!principal) return next(new HttpError('unauthenticated', 'This enrolment has ended; sign in again.'));
      req.user = principal;
      res.locals.enrolment = true;
      next();
    }, next);
  };
}

async function enrolmentPrincipal(repos: Domain['repos'], claims: { sub: string; iat: number }): Promise<Principal | null> {
  const user = await repos.users.find(claims.sub);
  if (!user || !user.active || user.mfaEnabled) return null;
  // A password changed since the token was given out ends it, like every session.
  if (user.passwordChangedAt && user.passwordChangedAt.getTime() > claims.iat * 1000) return null;
  const organisation = await repos.organisations.find(user.organisationId);
  if (!organisation?.active) return null;
  return { user, organisation, sessionId: '' };
}

/** Refuses API keys (§14): they cannot manage users, keys, webhooks or MFA, nor act as a person on their account. */
export const peopleOnly: RequestHandler = (req, _res, next) => {
  next(req.user?.apiKeyId ? new HttpError('forbidden', 'An API key may not do this; sign in as a person.') : undefined);
};

/** The principal auth() put on the request; a route without auth() asking for it is a bug. */
export function principalOf(req: Express.Request): Principal {
  if (!req.user) throw new HttpError('unauthenticated', 'Sign in to continue.');
  return req.user;
}
