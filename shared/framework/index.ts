/**
 * The UN Framework of Analysis for Atrocity Crimes (2014, A/70/741–S/2016/71): its 14 risk factors
 * and their numbered indicators, in the hub's three working languages. Plain data with no Node
 * imports: the server and the Svelte client both read it.
 */
import type { Locale } from '../limits.js';
import type { RiskFactorView } from '../schemas/framework.js';
import { COMMON_RISK_FACTORS } from './common.js';
import { SPECIFIC_RISK_FACTORS } from './specific.js';

/** A text in each of the hub's working languages. */
export type Localised = Readonly<Record<Locale, string>>;

export const RISK_FACTOR_KINDS = ['common', 'specific'] as const;
export type RiskFactorKind = (typeof RISK_FACTOR_KINDS)[number];

export const ATROCITY_CRIMES = ['genocide', 'crimes-against-humanity', 'war-crimes'] as const;
export type AtrocityCrime = (typeof ATROCITY_CRIMES)[number];

/** 0 none, 1 low, 2 moderate, 3 high, 4 very high (§6). */
export const RISK_LEVELS = [0, 1, 2, 3, 4] as const;

export const TRENDS = ['improving', 'stable', 'deteriorating'] as const;
export type Trend = (typeof TRENDS)[number];

/** One indicator: the Framework's code (`8.7`) and a short label of our own. */
export interface IndicatorDefinition {
  readonly code: string;
  readonly text: Localised;
}

/** One risk factor with its title and indicators in every language. */
export interface RiskFactorDefinition {
  readonly number: number;
  readonly kind: RiskFactorKind;
  /** null for the eight common factors, which bear on all three crimes. */
  readonly crime: AtrocityCrime | null;
  readonly title: Localised;
  readonly indicators: readonly IndicatorDefinition[];
}

/** A risk factor as `GET /api/framework` presents it, in one language (§6); its schema is in shared/schemas. */
export type { RiskFactorView };

/** All 14 risk factors, numbered 1–14 in order. */
export const RISK_FACTORS: readonly RiskFactorDefinition[] = [...COMMON_RISK_FACTORS, ...SPECIFIC_RISK_FACTORS];

/** Each factor's indicator codes, for checking the `indicators` an assessment cites under a factor. */
export const INDICATOR_CODES_BY_FACTOR: ReadonlyMap<number, ReadonlySet<string>> = new Map(
  RISK_FACTORS.map((factor) => [factor.number, new Set(factor.indicators.map((indicator) => indicator.code))]),
);

/** True when `code` is one of the indicators of risk factor `number`. */
export function isIndicatorOf(number: number, code: string): boolean {
  return INDICATOR_CODES_BY_FACTOR.get(number)?.has(code) ?? false;
}

/** The 14 risk factors in `lang`, in the shape of `GET /api/framework` (§6); a fresh copy each call. */
export function riskFactorsIn(lang: Locale): RiskFactorView[] {
  return RISK_FACTORS.map((factor) => ({
    number: factor.number,
    kind: factor.kind,
    crime: factor.crime,
    title: factor.title[lang],
    indicators: factor.indicators.map((indicator) => ({ code: indicator.code, text: indicator.text[lang] })),
  }));
}
