package dev.qama.bench.chaos;

import dev.qama.bench.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code qama serve} child JVM on 127.0.0.1 (port chosen by the system), with the signals the
 * chaos benchmark sends it: SIGKILL, SIGTERM (graceful stop), SIGSTOP and SIGCONT.
 */
final class ServerProcess {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    private final Process process;
    private final ChildJvm.OutputTail stderr;
    private final CompletableFuture<URI> uri = new CompletableFuture<>();
    private volatile boolean frozen;

    private ServerProcess(Process process, int index) {
        this.process = process;
        this.stderr = new ChildJvm.OutputTail(process.getErrorStream(), "chaos-server-" + index);
        Thread out =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = r.readLine()) != null) {
                                    Matcher m = LISTENING.matcher(line);
                                    if (!uri.isDone() && m.find()) {
                                        uri.complete(URI.create(m.group(1)));
                                    }
                                }
                            } catch (IOException e) {
                                // the child is gone
                            }
                            uri.completeExceptionally(
                                    new IOException("closed its output without an address"));
                        },
                        "chaos-server-" + index + "-out");
        out.setDaemon(true);
        out.start();
    }

    /**
     * Starts {@code mainClass serve --port 0 --host 127.0.0.1 serveArgs...} in a child JVM; {@link
     * #awaitUri} then waits for its address.
     */
    static ServerProcess start(int index, String heap, String mainClass, List<String> serveArgs)
            throws IOException {
        List<String> args = new java.util.ArrayList<>();
        args.add("serve");
        args.add("--port");
        args.add("0");
        args.add("--host");
        args.add("127.0.0.1");
        args.addAll(serveArgs);
        return new ServerProcess(ChildJvm.builder(heap, mainClass, args).start(), index);
    }

    /** The address the server printed; fails with its error line if it exits or takes too long. */
    URI awaitUri(Duration timeout) throws IOException, InterruptedException {
        try {
            return uri.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException(
                    "qama serve (pid "
                            + pid()
                            + ") printed no address within "
                            + timeout.toSeconds()
                            + " s");
        } catch (ExecutionException e) {
            process.waitFor(10, TimeUnit.SECONDS);
            String why = ChildJvm.errorLine(stderr.lines());
            throw new IOException(
                    "qama serve (pid "
                            + pid()
                            + ") exited"
                            + (process.isAlive() ? "" : " with code " + process.exitValue())
                            + " before listening"
                            + (why.isEmpty() ? "" : ": " + why));
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
    }

    /** SIGTERM: {@code qama serve} stops gracefully (its shutdown hook). */
    void terminate() {
        process.destroy();
    }

    /** SIGSTOP: the process stays, its sockets accept connections, nothing answers. */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
        frozen = true;
    }

    /** SIGCONT. */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
        frozen = false;
    }

    private void signal(String name) throws IOException, InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        Process p =
                new ProcessBuilder("kill", "-" + name, Long.toString(pid()))
                        .redirectErrorStream(true)
                        .start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("kill -" + name + " " + pid() + " failed");
        }
    }

    /**
     * Stops the process whatever its state: SIGCONT if frozen, SIGTERM, then SIGKILL after {@code
     * grace}. Never throws.
     */
    void stop(Duration grace) {
        try {
            if (frozen) {
                thaw();
            }
        } catch (IOException e) {
            // SIGKILL below still works on a stopped process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Immediate SIGKILL, for the shutdown hook. */
    void destroyNow() {
        process.destroyForcibly();
    }
}
