package dev.socketkit.loadgen;

/** One connection's (or connect loop's) share of the load, driven by its event loop. */
interface Worker {
    /** Starts the load; on the worker's event loop. */
    void start(Window window);

    /** Checks timeouts at {@code now}; on the worker's event loop, every few milliseconds. */
    void tick(long now);

    /** Ends the worker without counting anything more: the run gave up waiting for it. On its event loop. */
    void abandon();
}
