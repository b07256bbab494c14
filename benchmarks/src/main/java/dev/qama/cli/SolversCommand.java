package dev.qama.cli;

import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.Annealers;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code qama solvers}: lists the annealer backends on the class path. */
@Command(
        name = "solvers",
        mixinStandardHelpOptions = true,
        description = "Lists the annealer backends on the class path (the default is marked *).")
public final class SolversCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        return list(spec.commandLine());
    }

    /**
     * Prints the list; a configured default (qama.backend / QAMA_BACKEND) that names no provider is
     * reported on stderr after it, with exit code {@link Main#EXIT_USAGE}.
     */
    static int list(picocli.CommandLine cl) {
        String error = print(cl.getOut());
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
        }
        return error;
    }

    private static String label(AnnealerProvider p) {
        return p.aliases().isEmpty()
                ? p.name()
                : p.name() + " (" + String.join(", ", p.aliases()) + ")";
    }
}
