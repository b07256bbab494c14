package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qama.core.io.BiqMacFormat;
import dev.qama.core.io.GsetFormat;
import dev.qama.core.io.MaxCutInstance;
import dev.qama.core.io.QuboFormat;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.spi.Annealers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SolveCommandTest {
    @TempDir Path dir;
    Path gset;
    Path biqmac;
    Path qubo;

    @BeforeEach
    void writeInstances() throws IOException {
        // a 5-cycle plus a chord, one negative edge
        gset = write("ring.txt", "5 6\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 1 1\n1 3 -1\n");
        biqmac = write("tiny.sparse", "3 5\n1 1 -3\n1 2 2\n2 2 1\n2 3 -4\n3 3 5\n");
        qubo = write("tiny.qubo", "qubo 3 3\noffset 2\n0 0 -1\n0 1 3\n1 2 -2\n");
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static Map<String, Object> json(CliRun run) {
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err(), "nothing on stderr");
        assertTrue(run.out().endsWith("\n"));
        assertEquals(1, run.out().split("\n").length, "exactly one line: " + run.out());
        return MiniJson.object(run.out());
    }

    private static byte[] state(Map<String, Object> j) {
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) j.get("state");
        byte[] s = new byte[values.size()];
        for (int i = 0; i < s.length; i++) {
            double v = (Double) values.get(i);
            s[i] = (byte) v;
            assertEquals(s[i], v);
        }
        return s;
    }

    @Test
    void gsetJsonHasEveryFieldAndTheCutOfTheReportedState() throws IOException {
        Map<String, Object> j =
                json(
                        CliRun.of(
                                "solve",
                                "--input",
                                gset.toString(),
                                "--format",
                                "gset",
                                "--solver",
                                "test-greedy",
                                "--seed",
                                "42",
                                "--reads",
                                "3",
                                "--time-limit",
                                "30s",
                                "--json",
                                "--state"));
        assertEquals(
                Set.of(
                        "instance",
                        "format",
                        "n",
                        "solver",
                        "energy",
                        "cut",
                        "seconds",
                        "seed",
                        "reads",
                        "status",
                        "state"),
                j.keySet());
        assertEquals("ring", j.get("instance"));
        assertEquals("gset", j.get("format"));
        assertEquals(5.0, j.get("n"));
        assertEquals("test-greedy", j.get("solver"));
        assertEquals(42.0, j.get("seed"));
        assertEquals(3.0, j.get("reads"));
        assertEquals("COMPLETED", j.get("status"));
        assertTrue((Double) j.get("seconds") >= 0);
        MaxCutInstance g = GsetFormat.read(gset);
        byte[] s = state(j);
        BinaryQuadraticModel ising = g.toIsing();
        assertEquals(ising.energy(s), (Double) j.get("energy"), 1e-9);
        assertEquals(g.cut(s), (Double) j.get("cut"), 1e-9);
        assertEquals((g.totalWeight() - ising.energy(s)) / 2, (Double) j.get("cut"), 1e-9);
    }

    @Test
    void quboFormatsReportEnergyOfTheStateAndNoCut() throws IOException {
        for (Path file : List.of(biqmac, qubo)) {
            String format = file == biqmac ? "biqmac" : "qubo";
            Map<String, Object> j =
                    json(
                            CliRun.of(
                                    "solve",
                                    "-i",
                                    file.toString(),
                                    "-f",
                                    format,
                                    "-s",
                                    "test-greedy",
                                    "--json",
                                    "--state"));
            assertFalse(j.containsKey("cut"), format);
            BinaryQuadraticModel m =
                    file == biqmac ? BiqMacFormat.read(file) : QuboFormat.read(file);
            assertEquals(m.energy(state(j)), (Double) j.get("energy"), 1e-9, format);
            assertEquals(3.0, j.get("n"));
            assertEquals(0.0, j.get("seed"), "default seed");
            assertEquals(1.0, j.get("reads"), "default reads");
        }
    }

    @Test
    void solverOptionsMayFollowTheNameAsInBench() {
        String g = gset.toString();
        Map<String, Object> inline =
                json(
                        CliRun.of(
                                "solve",
                                "-i",
                                g,
                                "-f",
                                "gset",
                                "-s",
                                "sa:sweeps=3,restarts=1",
                                "--seed",
                                "5",
                                "--json",
                                "--state"));
        Map<String, Object> separate =
                json(
                        CliRun.of(
                                "solve",
                                "-i",
                                g,
                                "-f",
                                "gset",
                                "-s",
                                "sa",
                                "-o",
                                "sweeps=3",
                                "-o",
                                "restarts=1",
                                "--seed",
                                "5",
                                "--json",
                                "--state"));
        assertEquals(separate.get("state"), inline.get("state"));
        assertEquals("sa", inline.get("solver"));
        // the same key both ways with the same value is fine; with another it is an error
        json(
                CliRun.of(
                        "solve",
                        "-i",
                        g,
                        "-f",
                        "gset",
                        "-s",
                        "sa:sweeps=3",
                        "-o",
                        "sweeps=3",
                        "--json"));
        CliRun.assertUserError(
                "option sweeps given twice: 3 in --solver, 4 with -o",
                "solve",
                "-i",
                g,
                "-f",
                "gset",
                "-s",
                "sa:sweeps=3",
                "-o",
                "sweeps=4");
        CliRun.assertUserError(
                "--solver sa:sweeps", "solve", "-i", g, "-f", "gset", "-s", "sa:sweeps");
    }

    @Test
    void sameSeedGivesTheSameAnswer() {
        String[] args = {
            "solve",
            "--input",
            gset.toString(),
            "--format",
            "gset",
            "--solver",
            "test-greedy",
            "--seed",
            "7",
            "--json",
            "--state"
        };
        Map<String, Object> a = json(CliRun.of(args));
        Map<String, Object> b = json(CliRun.of(args));
        assertEquals(a.get("state"), b.get("state"));
        assertEquals(a.get("energy"), b.get("energy"));
    }

    @Test
    void humanReadableSummary() {
        CliRun r =
                CliRun.of(
                        "solve",
                        "--input",
                        gset.toString(),
                        "--format",
                        "GSET",
                        "--solver",
                        "test-greedy",
                        "--threads",
                        "2",
                        "-o",
                        "sweeps=50");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(
                r.out().startsWith("ring (gset, 5 variables) solved by test-greedy in "), r.out());
        assertTrue(r.out().contains("\n  energy  "), r.out());
        assertTrue(r.out().contains("\n  cut     "), r.out());
        assertFalse(r.out().contains("{"), r.out());
    }

    @Test
    void defaultSolverIsTheDefaultProvider() {
        Map<String, Object> j =
                json(CliRun.of("solve", "--input", qubo.toString(), "--format", "qubo", "--json"));
        assertEquals(Annealers.defaultName(), j.get("solver"));
    }

    @Test
    void sharedG14SolvesWithACutConsistentWithTheEnergy() throws IOException {
        Path g14 = Path.of("/work/shared/data/gset/G14.txt");
        assumeTrue(Files.isRegularFile(g14), "skipped: " + g14 + " is absent");
        Map<String, Object> j =
                json(
                        CliRun.of(
                                "solve",
                                "--input",
                                g14.toString(),
                                "--format",
                                "gset",
                                "--solver",
                                "test-greedy",
                                "--json",
                                "--state"));
        MaxCutInstance g = GsetFormat.read(g14);
        assertEquals(800.0, j.get("n"));
        assertEquals(g.cut(state(j)), (Double) j.get("cut"), 1e-9);
        assertEquals(g.cutFromEnergy((Double) j.get("energy")), (Double) j.get("cut"), 1e-9);
        // a local optimum of single flips cuts at least half the edges (all weights +1)
        assertTrue((Double) j.get("cut") >= 4694 / 2.0, j.toString());
    }

    @Test
    void listSolversShowsProvidersWithDescriptions() {
        for (String[] args : new String[][] {{"solve", "--list-solvers"}, {"solvers"}}) {
            CliRun r = CliRun.of(args);
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(
                    r.out().contains("test-greedy")
                            && r.out().contains("test only: greedy single-flip descent"),
                    r.out());
            assertTrue(r.out().contains("* "), "the default is marked: " + r.out());
        }
    }

    @Test
    void verboseSolversListsEachProvidersDeclaredOptions() {
        CliRun r = CliRun.of("solvers", "-v");
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        int sb = out.indexOf("\n* sb ");
        assertTrue(sb >= 0, out);
        String section = out.substring(sb, out.indexOf("\n  bsb", sb));
        assertTrue(
                section.matches("(?s).*\\n +dt +double +\\(0, 100] +1 +time step\\n.*"), section);
        assertTrue(
                section.matches("(?s).*\\n +kernel +choice +auto\\|scalar\\|vector +auto +.*"),
                section);
        assertTrue(section.contains("threads"), section);
        assertTrue(out.contains("(no declared options)"), "test-greedy declares none: " + out);
        assertFalse(CliRun.of("solvers").out().contains("KEY"), "only with -v");
    }

    @Test
    void anUnknownConfiguredBackendIsReportedBySolvers() {
        String old = System.getProperty("qama.backend");
        System.setProperty("qama.backend", "no-such-solver");
        try {
            for (String[] args : new String[][] {{"solve", "--list-solvers"}, {"solvers"}}) {
                CliRun r = CliRun.of(args);
                assertEquals(2, r.exitCode(), r.err());
                assertTrue(r.out().contains("test-greedy"), "still listed: " + r.out());
                assertEquals(1, r.errLines().length, r.err());
                assertTrue(
                        r.err().startsWith("qama: unknown annealer backend 'no-such-solver'")
                                && r.err().contains("system property qama.backend"),
                        r.err());
            }
        } finally {
            if (old == null) {
                System.clearProperty("qama.backend");
            } else {
                System.setProperty("qama.backend", old);
            }
        }
    }

    @Test
    void helpAndVersion() {
        CliRun help = CliRun.of("solve", "--help");
        assertEquals(0, help.exitCode());
        for (String opt :
                List.of(
                        "--input",
                        "--format",
                        "--solver",
                        "--seed",
                        "--reads",
                        "--time-limit",
                        "--option",
                        "--json",
                        "--threads",
                        "--list-solvers")) {
            assertTrue(help.out().contains(opt), opt + " in " + help.out());
        }
        CliRun top = CliRun.of("--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.out().contains("solve") && top.out().contains("solvers"), top.out());
        CliRun version = CliRun.of("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("qama 0."), version.out());
        assertFalse(version.out().contains("${"), version.out());
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun r = CliRun.of();
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().startsWith("qama: missing a command"), r.err());
    }

    @Test
    void solverFailureIsOneLineWithExitOne() {
        CliRun r =
                CliRun.of(
                        "solve",
                        "--input",
                        qubo.toString(),
                        "--format",
                        "qubo",
                        "--solver",
                        "test-greedy",
                        "--option",
                        "fail=solver",
                        "--json");
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertEquals("qama: the solver failed: test-greedy was told to fail", r.err().strip());
    }

    @Test
    void internalBugShowsAStackTraceWithExitOne() {
        CliRun r =
                CliRun.of(
                        "solve",
                        "--input",
                        qubo.toString(),
                        "--format",
                        "qubo",
                        "--solver",
                        "test-greedy",
                        "--option",
                        "fail=bug");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("qama: internal error"), r.err());
        assertTrue(r.err().contains("\tat dev.qama.cli.GreedyTestProvider"), r.err());
    }
}
