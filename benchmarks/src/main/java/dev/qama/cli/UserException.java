package dev.qama.cli;

/**
 * A mistake of the user (a bad file, a bad value, an unknown name): the command line prints its
 * message as one line and exits with {@link Main#EXIT_USAGE}, without a stack trace.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a one-line message that names the bad value and where it came from. */
    public UserException(String message) {
        super(message);
    }

    /** The same, with the exception that revealed it. */
    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
