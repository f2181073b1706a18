/** The engine the suite runs on, read without loading anything else (CLI and example tests spawn the server instead). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || null;
export const ENGINE = TEST_DATABASE_URL ? 'postgres' : 'sqlite';
