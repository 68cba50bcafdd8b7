// Child process for the crash test: opens the SQLite store and writes as fast as it can with many
// concurrent writers, printing "<key> <revision>" for each acknowledged write. The parent kills it
// with SIGKILL at a random moment and checks every acknowledged write survived.
// Usage: node crash-writer.js <db path> <run id> <writers>
import { openSqliteStore } from '../../src/storage/sqlite/index.js';

const [file, run, writersArg] = process.argv.slice(2);
const writers = Number(writersArg ?? '64');
const store = openSqliteStore({ path: file, compactionIntervalMs: 0 });
// stdout to a pipe is synchronous on Linux: a printed ack has left this process before the next write.
process.stdout.write('ready\n');

await Promise.all(
  Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; ; i++) {
      const key = `/crash/${run}/${w}/${i}`;
      const kv = await store.create(key, Buffer.from(`${run}:${w}:${i}`));
      process.stdout.write(`${key} ${kv.modRevision}\n`);
    }
  }),
);
