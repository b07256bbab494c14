package dev.qama.core.exact;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker threads of the exact backends: daemon threads named {@code PREFIX-1, PREFIX-2, …}. */
final class DaemonThreads {
    private DaemonThreads() {}

    /** A factory of daemon threads named {@code prefix + "-" + k} for k = 1, 2, …. */
    static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
