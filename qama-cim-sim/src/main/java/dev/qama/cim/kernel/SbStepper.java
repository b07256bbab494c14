package dev.qama.cim.kernel;

/**
 * A fused step engine for simulated bifurcation on one {@link SpinSystem}: it keeps the amplitudes
 * in its own layout and computes the coupling force and the position/momentum update in one pass
 * over the data, instead of a gradient call followed by separate element-wise passes. A system
 * offers one through {@link SpinSystem#sbStepper()} where it is faster than the generic path; the
 * arithmetic is the same as {@link SpinSystem#gradient} followed by {@link Updates#ballistic} (up
 * to float rounding: sums run in another order).
 *
 * <p>Amplitudes enter and leave in the n×R row-major layout of {@link SpinSystem}. Not thread-safe;
 * it belongs to its system.
 */
public interface SbStepper {
    /**
     * Takes the amplitudes x and momenta y (n×R row-major; fixed spins must hold x = −1, y = 0).
     */
    void load(float[] x, float[] y);

    /** Writes the current amplitudes and momenta back (n×R row-major). */
    void store(float[] x, float[] y);

    /**
     * One SB step: y ← y + (−damp·x − xi·g)·dt, x ← x + a0·y·dt, clamped at the walls, with g the
     * gradient at sign(x) ({@code discrete}) or at x. With {@code eval}, first the read-out: the
     * energies of the sign state before the step go to {@code e} (R); {@link #readOut} gives the
     * state itself.
     */
    void step(boolean discrete, boolean eval, float damp, float xi, float dt, float a0, double[] e);

    /** Writes the sign state of the last read-out (n×R row-major, ±1) into s. */
    void readOut(float[] s);

    /**
     * The read-out of the current amplitudes: s = sign(x) (+1 where x &gt; 0, −1 elsewhere) and g =
     * the gradient at s, both n×R row-major, the same values as {@link #store}, {@link
     * Updates#sign} and {@link SpinSystem#gradient} give, without the amplitudes leaving the
     * engine.
     */
    void signsAndGradient(float[] s, float[] g);
}
