// Room names are the only addressing real-time code uses; they are built here and nowhere else.

/** Every socket of one organisation's users. */
export const organisationRoom = (organisationId: string): string => `org:${organisationId}`;

/** Every socket of one user. */
export const userRoom = (userId: string): string => `user:${userId}`;

/** Every socket opened with the tokens of one session (login). */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** Every socket that joined one situation room. */
export const situationRoom = (roomId: string): string => `room:${roomId}`;
