import { z } from 'zod';
import { EMAIL_MAX_LENGTH, LOCALES, NAME_MAX_LENGTH, OTP_DIGITS, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../limits.js';

/** An email address as typed; compared case-insensitively. */
export const Email = z.string().trim().toLowerCase().max(EMAIL_MAX_LENGTH).email('must be an email address');

/** A new password: long enough to resist guessing, short enough to hash cheaply. */
export const NewPassword = z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).max(PASSWORD_MAX_LENGTH);

/** A one-time password from an authenticator app. */
export const Otp = z.string().regex(new RegExp(`^[0-9]{${OTP_DIGITS}}$`), `must be ${OTP_DIGITS} digits`);

export const PersonName = z.string().trim().min(1).max(NAME_MAX_LENGTH);
export const Locale = z.enum(LOCALES);

/** A one-time password, or (at sign-in) one of the ten recovery codes: 16 base32 letters, hyphens optional. */
export const SecondFactor = z
  .string()
  .trim()
  .regex(new RegExp(`^([0-9]{${OTP_DIGITS}}|[A-Za-z2-7]{4}(-?[A-Za-z2-7]{4}){3})$`), `must be ${OTP_DIGITS} digits or a recovery code`);

export const LoginBody = z.strictObject({
  email: z.string().trim().toLowerCase().min(1).max(EMAIL_MAX_LENGTH),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  otp: SecondFactor.optional(),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200) });

export const UpdateMeBody = z.strictObject({ name: PersonName.optional(), locale: Locale.optional() });

export const ChangePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH), newPassword: NewPassword });

// The current password is optional in the schema: missing, it is refused like a wrong one, and
// counted as a failed sign-in (§3 v2); an enrolment token stands in for it.
const CurrentPassword = z.string().max(PASSWORD_MAX_LENGTH).optional();

export const MfaSetupBody = z.strictObject({ currentPassword: CurrentPassword });
export const MfaCodeBody = z.strictObject({ otp: Otp, currentPassword: CurrentPassword });
