import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryCompiler, QueryResult, TransactionSettings } from 'kysely';
import type { StorageHealth } from './storage-health.ts';

/** Statements that write; outside a transaction each one commits by itself. */
const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);

/** A connection that tells `health` about every statement refused for want of space, and about commits. */
class WatchedConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly health: StorageHealth,
  ) {}

  // async: better-sqlite3 throws synchronously, and the throw must be seen too.
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const result = await this.inner.executeQuery<R>(query);
      if (!this.inTransaction && WRITES.has(query.query.kind)) this.health.noteCommit();
      return result;
    } catch (error) {
      this.health.noteFailure(error);
      throw error;
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * The driver's own transaction statements run through the watched connection, so a COMMIT refused
 * for want of space is seen like any other statement, and a COMMIT that succeeds clears the refusal.
 */
class WatchedDriver implements Driver {
  private readonly connections = new WeakMap<DatabaseConnection, WatchedConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly health: StorageHealth,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let watched = this.connections.get(connection);
    if (!watched) {
      watched = new WatchedConnection(connection, this.health);
      this.connections.set(connection, watched);
    }
    return watched;
  }

  async beginTransaction(connection: WatchedConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction(connection, settings);
    connection.inTransaction = true;
  }

  async commitTransaction(connection: WatchedConnection): Promise<void> {
    await this.inner.commitTransaction(connection);
    connection.inTransaction = false;
    this.health.noteCommit();
  }

  async rollbackTransaction(connection: WatchedConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction(connection);
    } finally {
      connection.inTransaction = false;
    }
  }

  async savepoint(connection: WatchedConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint!(connection, name, compile);
  }

  async rollbackToSavepoint(connection: WatchedConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  async releaseSavepoint(connection: WatchedConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint!(connection, name, compile);
  }

  releaseConnection(connection: WatchedConnection): Promise<void> {
    return this.inner.releaseConnection(connection.inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect`, with its connections watched for writes refused for want of space (see StorageHealth). */
export function watchStorage(dialect: Dialect, health: StorageHealth): Dialect {
  return {
    createDriver: () => new WatchedDriver(dialect.createDriver(), health),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
