import type SQLite from 'better-sqlite3';
import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite driver, except that it sends no ROLLBACK when SQLite has already rolled the
 * transaction back by itself (a full disk, SQLITE_FULL, does that): the second ROLLBACK fails with
 * "cannot rollback - no transaction is active", and that error replaced the one that mattered.
 */
class RollbackKeepingDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
  ) {
    super(config);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.sqlite.inTransaction) await super.rollbackTransaction(connection);
  }
}

/** The SQLite dialect over `sqlite`; `config.database` may wrap it (a statement cache). */
export class RollbackKeepingSqliteDialect extends SqliteDialect {
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new RollbackKeepingDriver(this.config, this.sqlite);
  }
}
