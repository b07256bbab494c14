package dev.qama.djl;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class whose tests share one PyTorch {@link NDManager}, opened before its first test and
 * closed after its last (test classes run one at a time).
 */
abstract class PyTorchTest {
    static NDManager manager;

    @BeforeAll
    static void openManager() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }
}
