// dynalite 4 ships no types: the part of its API the tests and the drill use.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** Milliseconds a table stays CREATING / DELETING / UPDATING (0 = at once). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** Directory for a persistent store; omitted = in memory. */
    path?: string;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
