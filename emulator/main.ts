import { optionsFromEnv } from "./env";
import { startEmulator } from "./server";

/**
 * CLI entry: `npm run emulator` (= `tsx emulator/main.ts`).
 * Reads EMULATOR_* environment variables (validated with zod; a bad value prints one line naming
 * the variable and exits 1), prints `Kakao emulator listening on http://HOST:PORT`, and stops
 * cleanly on SIGINT/SIGTERM.
 */

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env);
  if ("error" in options) {
    console.error(options.error);
    process.exit(1);
  }
  let emu;
  try {
    emu = await startEmulator(options);
  } catch (err) {
    console.error(`Kakao emulator failed to start: ${(err as Error).message}`);
    process.exit(1);
  }
  console.log(`Kakao emulator listening on ${emu.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(0), 3000);
    timer.unref();
    emu.close().then(
      () => process.exit(0),
      (err) => {
        console.error(`Kakao emulator: error while stopping on ${signal}: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

void main();
