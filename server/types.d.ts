import type { Principal } from './auth/principal.js';

declare global {
  namespace Express {
    // passport puts the authenticated principal on req.user.
    interface User extends Principal {}
    interface Request {
      /** The parts of the request validate() checked, parsed by their schemas. */
      valid: { body?: unknown; query?: unknown; params?: unknown };
    }
  }
}
export {};
