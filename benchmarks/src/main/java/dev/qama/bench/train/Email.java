package dev.qama.bench.train;

/** E-mail text helpers for the SpamAssassin corpus. */
public final class Email {
    private Email() {}

    /**
     * The body of an RFC 5322 message: everything after the first empty line. The header block
     * (including an mbox "From " line) is dropped so that headers added by the corpus's collectors
     * (e.g. spam-filter verdicts, mailing-list routing) cannot leak the label. A text without an
     * empty line is taken to be all header and yields "".
     */
    public static String stripHeaders(String message) {
        String m = message.replace("\r\n", "\n");
        int blank = m.indexOf("\n\n");
        if (m.startsWith("\n")) {
            return m.substring(1);
        }
        return blank < 0 ? "" : m.substring(blank + 2);
    }
}
