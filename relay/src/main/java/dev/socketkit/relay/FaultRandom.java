package dev.socketkit.relay;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The random choices of one fault on one connection (or datagram session), derived from the seed, the fault's name,
 * the connection's ordinal and what the choices are for, so that a run replays exactly whatever order threads run in:
 * no two connections, faults or directions share a sequence.
 */
final class FaultRandom {
    private FaultRandom() {}

    /**
     * {@return a generator for one purpose of one fault on one connection}
     *
     * @param seed the relay's seed
     * @param name the fault's name
     * @param number the connection's or session's ordinal
     * @param purpose what the sequence is for: a direction's name, or {@code toxicity}
     */
    static SplittableRandom of(long seed, String name, long number, String purpose) {
        long h = mix(seed);
        h = mix(h ^ hash(name));
        h = mix(h ^ number);
        h = mix(h ^ hash(purpose));
        return new SplittableRandom(h);
    }

    /** FNV-1a over the UTF-8 bytes: the same on every JVM and run. */
    private static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
