import type { IncomingMessage } from "node:http";
import type { ResolvedOptions } from "./config";
import type { Faults } from "./faults";
import type { Reply } from "./http";
import type { Store } from "./store";

/** Everything a route handler gets. */
export interface Ctx {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  store: Store;
  faults: Faults;
  opts: ResolvedOptions;
  /** Folder of stored customer files. */
  filesDir: string;
  /** Folder of uploads in progress. */
  incomingDir: string;
}

export type Handler = (ctx: Ctx) => Promise<Reply>;
