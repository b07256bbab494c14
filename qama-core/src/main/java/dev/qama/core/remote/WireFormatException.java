package dev.qama.core.remote;

/** A request or result body that does not follow the wire protocol; the message says where. */
public class WireFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the bad field or offset. */
    public WireFormatException(String message) {
        super(message);
    }

    /** With a message and a cause. */
    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
