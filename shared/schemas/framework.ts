import { z } from 'zod';
import { ATROCITY_CRIMES, RISK_FACTOR_KINDS } from '../framework/index.js';
import { LOCALES } from '../limits.js';

/** `?lang=en|fr|ar` of `GET /api/framework` and `GET /api/countries` (§6); English when absent. */
export const LangQuery = z.strictObject({ lang: z.enum(LOCALES).default('en') });
export type LangQuery = z.infer<typeof LangQuery>;

/** One risk factor of the Framework in the reader's language (`GET /api/framework`, §6). */
export const RiskFactorView = z.object({
  number: z.number().int().min(1),
  kind: z.enum(RISK_FACTOR_KINDS),
  crime: z.enum(ATROCITY_CRIMES).nullable(),
  title: z.string(),
  indicators: z.array(z.object({ code: z.string(), text: z.string() })),
});
export type RiskFactorView = z.infer<typeof RiskFactorView>;

/** A country (`GET /api/countries`): alpha-3 code, name in the reader's language, ISO numeric code (an extra for the map). */
export const CountryItem = z.object({ code: z.string().regex(/^[A-Z]{3}$/), name: z.string(), numeric: z.string().nullable() });
export type CountryItem = z.infer<typeof CountryItem>;
