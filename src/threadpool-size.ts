/**
 * libuv's thread pool serves file I/O, DNS lookups and zlib. Four threads (its default) are all held
 * by the archive's fsyncs while recordings download, and an Aircall request's DNS lookup then waits
 * behind them; 16 keep both moving. Read when the pool first starts, so this module is imported
 * first by main.ts, and an operator's own UV_THREADPOOL_SIZE wins.
 */
process.env.UV_THREADPOOL_SIZE ??= '16';
