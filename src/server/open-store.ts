/** Opens the store `--store`/`--db` names (src/server/store.ts): SQLite or ClickHouse. */
import { openClickHouse } from './clickhouse';
import { openStore } from './db';
import type { Store, StoreSpec } from './store';

/** Opens the store a spec names. SQLite paths are resolved against `cwd` by the caller. */
export async function openStoreSpec(
  spec: StoreSpec,
  options: { mustExist?: boolean; readonly?: boolean } = {},
): Promise<Store> {
  // Each implementation loads its database client only when opened (better-sqlite3,
  // @clickhouse/client): a SQLite user never loads the ClickHouse client, and the reverse.
  if (spec.kind === 'clickhouse') return openClickHouse(spec.url, options);
  return openStore(spec.file, options);
}
