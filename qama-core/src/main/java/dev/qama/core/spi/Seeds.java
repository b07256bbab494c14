package dev.qama.core.spi;

/**
 * Deterministic seed derivation, so results never depend on thread scheduling: problem k of a batch
 * is solved with {@code forStream(seed, k)} and read r of it with {@code forStream(problemSeed,
 * r)}, whichever thread runs it.
 */
public final class Seeds {
    private Seeds() {}

    /** SplitMix64's finaliser: a bijective, well-mixed 64-bit hash. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The seed of sub-stream {@code index} of {@code seed}. */
    public static long forStream(long seed, long index) {
        return mix(seed + 0x9e3779b97f4a7c15L * (index + 1));
    }
}
