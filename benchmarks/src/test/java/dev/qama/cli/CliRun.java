package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of the command line with captured streams. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new CliRun(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The lines of stderr (without the line ends). */
    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\\R");
    }

    /**
     * Runs {@code args} and checks the user-error contract: exit code 2, nothing on stdout, one
     * stderr line "qama: ..." containing {@code expected}, and no Java exception or class name.
     */
    static CliRun assertUserError(String expected, String... args) {
        CliRun r = of(args);
        String cmd = String.join(" ", args);
        assertEquals(2, r.exitCode(), cmd + " → " + r.err());
        assertEquals("", r.out(), cmd);
        assertEquals(1, r.errLines().length, cmd + " → " + r.err());
        assertTrue(r.err().startsWith("qama: "), r.err());
        assertTrue(r.err().contains(expected), cmd + " → " + r.err() + " lacks " + expected);
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("java."), r.err());
        return r;
    }
}
