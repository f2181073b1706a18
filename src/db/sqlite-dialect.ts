import type SQLite from 'better-sqlite3';
import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import type { WalSync } from './wal-sync.ts';

/**
 * Kysely's SQLite driver, except that:
 * - it sends no ROLLBACK when SQLite has already rolled the transaction back by itself (a full
 *   disk, SQLITE_FULL, does that): the second ROLLBACK fails with "cannot rollback - no
 *   transaction is active", and that error replaced the one that mattered;
 * - with a `WalSync`, the connection is released only once what it wrote is on disk.
 */
class StoreSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
    private readonly walSync: WalSync | null,
  ) {
    super(config);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.sqlite.inTransaction) await super.rollbackTransaction(connection);
  }

  override async releaseConnection(): Promise<void> {
    try {
      await this.walSync?.flush(this.sqlite.inTransaction);
    } finally {
      await super.releaseConnection();
    }
  }

  override async destroy(): Promise<void> {
    await super.destroy();
    this.walSync?.close();
  }
}

/** The SQLite dialect over `sqlite`; `config.database` may wrap it (a statement cache). */
export class StoreSqliteDialect extends SqliteDialect {
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
    private readonly walSync: WalSync | null,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new StoreSqliteDriver(this.config, this.sqlite, this.walSync);
  }
}
