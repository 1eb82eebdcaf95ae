// In tests (as in the worker, which runs with --conditions=react-server) "server-only" is a no-op.
export {};
