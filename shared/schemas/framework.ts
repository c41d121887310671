import { z } from 'zod';
import { LOCALES } from '../limits.js';

/** `?lang=en|fr|ar` of `GET /api/framework` and `GET /api/countries` (§6); English when absent. */
export const LangQuery = z.strictObject({ lang: z.enum(LOCALES).default('en') });
export type LangQuery = z.infer<typeof LangQuery>;
