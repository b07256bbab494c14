package dev.qama.cli;

import dev.qama.cim.server.AnnealerServer;
import dev.qama.core.io.IoErrors;
import dev.qama.core.remote.RemoteProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qama serve}: runs an annealer server ({@link AnnealerServer}, protocol in
 * docs/remote-protocol.md) until Ctrl-C. Prints the address it listens on as its first line.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serves the annealer backends on the class path over HTTP (POST /v1/jobs, GET"
                    + " /v1/jobs/{id}, DELETE /v1/jobs/{id}, GET /v1/health, GET /v1/info) until"
                    + " Ctrl-C. Clients use the 'remote' backend."
        },
        footer = {
            "",
            "Example:",
            "  qama serve --port 8080 --token-file ~/.qama-token --solver sb --queue 32",
            "  java -Dqama.backend=remote -Dqama.remote.endpoints=http://127.0.0.1:8080 ..."
        })
public final class ServeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--port",
            required = true,
            paramLabel = "P",
            description = "TCP port (0 = any free port).")
    int port;

    @Option(
            names = "--host",
            paramLabel = "ADDR",
            description = "Address to bind (default ${DEFAULT-VALUE}: this machine only).")
    String host = "127.0.0.1";

    @Option(
            names = "--token-file",
            paramLabel = "F",
            description = "A file whose first line is the bearer token clients must send.")
    Path tokenFile;

    @Option(
            names = "--insecure",
            description =
                    "Allow a non-loopback --host without --token-file (anyone who can reach the"
                            + " port can submit and cancel jobs).")
    boolean insecure;

    @Option(
            names = "--max-spins",
            paramLabel = "N",
            description = "Largest problem accepted, in variables (default ${DEFAULT-VALUE}).")
    int maxSpins = 4096;

    @Option(
            names = "--queue",
            paramLabel = "Q",
            description =
                    "Jobs that may wait for a worker; more get 429 (default ${DEFAULT-VALUE}).")
    int queue = 64;

    @Option(
            names = "--workers",
            paramLabel = "W",
            description = "Jobs solved at once (default: half the processors).")
    Integer workers;

    @Option(
            names = "--solver",
            paramLabel = "NAME",
            description =
                    "A backend to serve (repeatable; the first is the default; default: the"
                            + " highest-ranked local backend).")
    List<String> solvers = new ArrayList<>();

    @Option(
            names = "--max-body-mb",
            paramLabel = "MB",
            description =
                    "Request size limit in MiB; larger bodies get 413 (default ${DEFAULT-VALUE}).")
    int maxBodyMb = 64;

    /** Builds and starts the server (the command then waits for Ctrl-C). */
    AnnealerServer start() {
        if (port < 0 || port > 65535) {
            throw new UserException("--port " + port + " is not in [0, 65535]");
        }
        if (maxSpins < 1 || queue < 1 || maxBodyMb < 1 || (workers != null && workers < 1)) {
            throw new UserException(
                    "--max-spins, --queue, --workers and --max-body-mb must be positive");
        }
        if (maxBodyMb > 2047) {
            throw new UserException("--max-body-mb " + maxBodyMb + " is above 2047");
        }
        String token = null;
        if (tokenFile != null) {
            try {
                token = RemoteProvider.readToken(tokenFile);
            } catch (IllegalArgumentException e) {
                throw new UserException("--token-file: " + e.getMessage(), e);
            }
        }
        AnnealerServer.Builder b = AnnealerServer.fromAnnealers(solvers);
        b.host(host).port(port).token(token).insecure(insecure).maxSpins(maxSpins).queue(queue);
        b.maxBodyBytes(maxBodyMb << 20);
        if (workers != null) {
            b.workers(workers);
        }
        try {
            return b.build().start();
        } catch (IllegalStateException e) {
            throw new UserException("--host " + host + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserException(
                    "cannot listen on " + host + ":" + port + ": " + IoErrors.describe(null, e), e);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        AnnealerServer server = start();
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "qama serve: listening on "
                        + server.uri()
                        + (tokenFile == null ? " (no token)" : " (bearer token required)")
                        + "; Ctrl-C stops");
        out.flush();
        if (tokenFile == null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(
                    "qama serve: warning: no --token-file: every client that can reach "
                            + server.uri()
                            + " can submit, read and cancel jobs");
            err.flush();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.close();
                                    stopped.countDown();
                                },
                                "qama-serve-stop"));
        stopped.await();
        return Main.EXIT_OK;
    }
}
