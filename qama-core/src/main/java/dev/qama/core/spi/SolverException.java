package dev.qama.core.spi;

/** A backend could not produce a result (unreachable server, refused problem, internal failure). */
public class SolverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message that says what failed and where. */
    public SolverException(String message) {
        super(message);
    }

    /** With a message and the underlying cause. */
    public SolverException(String message, Throwable cause) {
        super(message, cause);
    }
}
