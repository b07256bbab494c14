package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code qama train --task kv-retrieval}: the long-range task wired into the main job. */
class KvRetrievalCommandTest {
    @Test
    void aTinyRunPrintsOneJsonObjectAndIsReproducible() {
        String[] args = {
            "train",
            "--task",
            "kv-retrieval",
            "--attention",
            "classical",
            "--length",
            "32",
            "--steps",
            "6",
            "--seed",
            "3",
            "--json"
        };
        CliRun a = CliRun.of(args);
        CliRun b = CliRun.of(args);
        assertEquals(0, a.exitCode(), a.err());
        Map<String, Object> j = MiniJson.object(a.out());
        assertEquals("kv-retrieval", j.get("task"));
        assertEquals("kv-retrieval-32", j.get("dataset"));
        double acc = (Double) j.get("test_accuracy");
        assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
        assertEquals(j.get("test_accuracy"), MiniJson.object(b.out()).get("test_accuracy"));
        assertEquals(j.get("last_loss"), MiniJson.object(b.out()).get("last_loss"));
    }

    @Test
    void anAttentionTheTaskCannotUseIsAOneLineUserError() {
        CliRun r = CliRun.of("train", "--task", "kv-retrieval", "--attention", "none");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().contains("classical or qama"), r.err());
    }

    @Test
    void warmStartsAreRefusedForATaskThatNeverRepeatsAnExample() {
        CliRun.assertUserError(
                "--warm-starts does not apply to --task kv-retrieval",
                "train",
                "--task",
                "kv-retrieval",
                "--attention",
                "qama",
                "--warm-starts",
                "on");
    }
}
