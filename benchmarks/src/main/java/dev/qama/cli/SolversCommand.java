package dev.qama.cli;

import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.OptionSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qama solvers}: lists the annealer backends on the class path. */
@Command(
        name = "solvers",
        mixinStandardHelpOptions = true,
        description =
                "Lists the annealer backends on the class path (the default is marked *); with -v"
                        + " also each one's options (key, type, range, default, description).")
public final class SolversCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = {"-v", "--verbose"},
            description = "Also list each backend's declared options (for --option key=value).")
    boolean verbose;

    @Override
    public Integer call() {
        return list(spec.commandLine(), verbose);
    }

    /**
     * Prints the list; a configured default (qama.backend / QAMA_BACKEND) that names no provider is
     * reported on stderr after it, with exit code {@link Main#EXIT_USAGE}.
     */
    static int list(picocli.CommandLine cl) {
        return list(cl, false);
    }

    /** As {@link #list(picocli.CommandLine)}, with each provider's options when {@code verbose}. */
    static int list(picocli.CommandLine cl, boolean verbose) {
        String error = print(cl.getOut(), verbose);
        cl.getOut().flush();
        if (error != null) {
            cl.getErr().println("qama: " + error);
            return Main.EXIT_USAGE;
        }
        return Main.EXIT_OK;
    }

    /**
     * Writes one line per provider: name, aliases, rank and description; * marks the default.
     *
     * @return null, or why the configured default (qama.backend / QAMA_BACKEND) is unusable: the
     *     list is printed anyway, without a mark
     */
    static String print(PrintWriter out) {
        return print(out, false);
    }

    /**
     * As {@link #print(PrintWriter)}; when {@code verbose}, each provider's line is followed by its
     * declared options: key, type, range, default and description.
     */
    static String print(PrintWriter out, boolean verbose) {
        List<AnnealerProvider> providers = Annealers.providers();
        if (providers.isEmpty()) {
            out.println("no annealer backend on the class path");
            return null;
        }
        String def = null;
        String error = null;
        try {
            def = Annealers.defaultName();
        } catch (RuntimeException e) {
            error = e.getMessage();
        }
        int width = 4;
        for (AnnealerProvider p : providers) {
            width = Math.max(width, label(p).length());
        }
        out.printf("  %-" + width + "s  %5s  %s%n", "NAME", "RANK", "DESCRIPTION");
        for (AnnealerProvider p : providers) {
            out.printf(
                    "%s %-" + width + "s  %5d  %s%n",
                    p.name().equals(def) ? "*" : " ",
                    label(p),
                    p.rank(),
                    p.description());
            if (verbose) {
                printOptions(out, p.options());
            }
        }
        return error;
    }

    private static void printOptions(PrintWriter out, List<OptionSpec> options) {
        if (options.isEmpty()) {
            out.println("      (no declared options)");
            return;
        }
        int kw = 3;
        int rw = 5;
        int dw = 7;
        for (OptionSpec o : options) {
            kw = Math.max(kw, o.key().length());
            rw = Math.max(rw, o.range().length());
            dw = Math.max(dw, String.valueOf(o.defaultValue()).length());
        }
        String fmt = "      %-" + kw + "s  %-7s  %-" + rw + "s  %-" + dw + "s  %s%n";
        out.printf(fmt, "KEY", "TYPE", "RANGE", "DEFAULT", "DESCRIPTION");
        for (OptionSpec o : options) {
            out.printf(
                    fmt,
                    o.key(),
                    o.type().name().toLowerCase(java.util.Locale.ROOT),
                    o.range(),
                    o.defaultValue() == null ? "-" : o.defaultValue(),
                    o.doc());
        }
    }

    private static String label(AnnealerProvider p) {
        return p.aliases().isEmpty()
                ? p.name()
                : p.name() + " (" + String.join(", ", p.aliases()) + ")";
    }
}
