/**
 * Imported first by main.ts, before any schema is built. zod compiles object parsers with
 * `new Function` when it can, and probes for it as each schema is made; under the hub's CSP (no
 * 'unsafe-eval') that probe is refused and reported as a policy violation. Without the probe zod
 * parses the same way, only without the compiled fast path.
 */
import { config } from 'zod';

config({ jitless: true });
