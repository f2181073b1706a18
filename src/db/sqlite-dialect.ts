import type SQLite from 'better-sqlite3';
import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import type { WalSync } from './wal-sync.ts';

/**
 * Kysely's SQLite driver, except that:
 * - it sends no ROLLBACK when SQLite has already rolled the transaction back by itself (a full
 *   disk, SQLITE_FULL, does that): the second ROLLBACK fails with "cannot rollback - no
 *   transaction is active", and that error replaced the one that mattered;
 * - with a `WalSync`, a use of the connection settles only once every commit it could see is on disk.
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

  // The connection is free at once; its user is answered once what it wrote or saw is on disk.
  override async releaseConnection(): Promise<void> {
    const durable = this.walSync?.released(this.sqlite.inTransaction);
    await super.releaseConnection();
    if (durable) await durable;
  }

  override async destroy(): Promise<void> {
    await this.walSync?.close();
    await super.destroy();
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
