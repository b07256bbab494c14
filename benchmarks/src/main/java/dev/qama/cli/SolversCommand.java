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
        print(spec.commandLine().getOut());
        return Main.EXIT_OK;
    }

    /** Writes one line per provider: name, aliases, rank and description; * marks the default. */
    static void print(PrintWriter out) {
        List<AnnealerProvider> providers = Annealers.providers();
        if (providers.isEmpty()) {
            out.println("no annealer backend on the class path");
            return;
        }
        String def;
        try {
            def = Annealers.defaultName();
        } catch (RuntimeException e) {
            def = null; // a bad qama.backend setting: list anyway
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
    }

    private static String label(AnnealerProvider p) {
        return p.aliases().isEmpty()
                ? p.name()
                : p.name() + " (" + String.join(", ", p.aliases()) + ")";
    }
}
