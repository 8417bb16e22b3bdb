package dev.socketkit.relay;

/** Which way relayed data flows, in Toxiproxy's words: a fault applies to one direction or to both. */
public enum Direction {
    /** From the client that connected to the relay, toward the target. */
    UPSTREAM,
    /** From the target back to the client. */
    DOWNSTREAM
}
