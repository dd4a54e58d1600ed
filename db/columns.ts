import type { ColumnType } from 'kysely';

// Timestamps come back as Date and go in as Date or ISO string.
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
