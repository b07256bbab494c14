package dev.qama.cli;

import dev.qama.core.io.FormatException;
import dev.qama.core.io.IoErrors;
import dev.qama.core.spi.SolverException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code qama} command: {@code qama solve ...}, {@code qama solvers}, {@code qama --help},
 * {@code qama --version}.
 *
 * <p>Adding a command ({@code train}, {@code bench} and {@code serve} come with later issues):
 * write a picocli {@code @Command} class implementing {@code Callable<Integer>} in this package,
 * list it in the {@code subcommands} of this class, print results with {@code
 * spec.commandLine().getOut()}, throw {@link UserException} (or {@link IllegalArgumentException})
 * for user errors, and return {@link #EXIT_OK}. The error handling below then applies to it too.
 *
 * <p>Exit codes: {@value #EXIT_OK} success; {@value #EXIT_USAGE} a user error (bad arguments, a
 * missing or malformed file, an unknown solver or option), reported as one line {@code qama: ...}
 * on stderr; {@value #EXIT_FAILURE} a failure of a backend or an internal error (with a stack trace
 * for the latter).
 */
@Command(
        name = "qama",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Quantum-Annealing Multi-head Attention on the JVM: solvers and tools.",
        subcommands = {
            SolveCommand.class,
            SolversCommand.class,
            BenchCommand.class,
            ServeCommand.class,
            TrainCommand.class,
            InferCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {
    /** Success. */
    public static final int EXIT_OK = 0;

    /** A backend failed or an internal error occurred. */
    public static final int EXIT_FAILURE = 1;

    /** A user error: bad arguments or input. */
    public static final int EXIT_USAGE = 2;

    @Spec CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.exit(code);
    }

    /**
     * Runs the command line in this JVM, writing to the given streams (flushed, not closed).
     *
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return commandLine(o, e).execute(args == null ? new String[0] : args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** The configured picocli command line (for embedding and tests). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(Main::onBadArguments);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> onFailure(ex, cmd));
        return cl;
    }

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(), "missing a command: solve or solvers (see 'qama --help')");
    }

    private static int onBadArguments(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String help = cmd.getCommandSpec().qualifiedName() + " --help";
        String msg = oneLine(ex.getMessage());
        cmd.getErr()
                .println("qama: " + msg + (msg.contains("--help") ? "" : " (see '" + help + "')"));
        return EXIT_USAGE;
    }

    private static int onFailure(Exception ex, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof UserException || ex instanceof IllegalArgumentException) {
            err.println("qama: " + oneLine(ex.getMessage()));
            return EXIT_USAGE;
        }
        if (ex instanceof IOException io) {
            err.println("qama: " + oneLine(IoErrors.describe(null, io)));
            return EXIT_USAGE;
        }
        if (ex instanceof UncheckedIOException io) {
            err.println("qama: " + oneLine(IoErrors.describe(null, io.getCause())));
            return EXIT_USAGE;
        }
        if (ex instanceof SolverException) {
            err.println("qama: the solver failed: " + oneLine(ex.getMessage()));
            return EXIT_FAILURE;
        }
        err.println("qama: internal error (please report it): " + oneLine(ex.toString()));
        ex.printStackTrace(err);
        return EXIT_FAILURE;
    }

    /**
     * A message on one line (never empty), printable: line breaks become "; ", other control
     * characters (say, from a file name or a file's text) are escaped ({@link
     * FormatException#printable}).
     */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "(no message)";
        }
        return FormatException.printable(message.strip().replaceAll("\\s*\\R\\s*", "; "));
    }

    /** The version from the build (filtered resource). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"qama " + version(), "Java " + Runtime.version()};
        }
    }

    /** The project version, or "unknown" when run from unfiltered sources. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
