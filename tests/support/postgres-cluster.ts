/**
 * The throw-away PostgreSQL cluster of the tests lives in scripts/lib (the cluster demo starts
 * one too); what vitest hands the test files about it is declared here.
 */
export {
  databaseUrl,
  dropRunDatabases,
  findPostgresBinaries,
  startPostgresCluster,
  testDatabasePrefix,
  withServerAdmin,
  type PostgresCluster,
} from '../../scripts/lib/postgres-cluster';

/** What the PostgreSQL leg of the tests gets from the global set-up: a cluster, or why there is none. */
export type ProvidedPostgres = { url: string; runId: string } | { url: null; unavailable: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ProvidedPostgres;
  }
}
