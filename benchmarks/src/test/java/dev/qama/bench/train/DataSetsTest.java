package dev.qama.bench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.bench.train.DataSet.Sources;
import dev.qama.bench.train.DataSet.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The data-set registry: names, defaults, errors and help come from its entries. */
class DataSetsTest {
    @Test
    void namesAreUniqueAndEveryEntryIsDescribed() {
        Set<String> seen = new HashSet<>();
        for (DataSet d : DataSets.ALL) {
            assertTrue(seen.add(d.name()), "duplicate " + d.name());
            assertTrue(d.defaultEpochs() >= 1, d.name());
            assertTrue(!d.summary().isBlank(), d.name());
            String help = String.join("\n", DataSets.helpLines());
            assertTrue(help.contains("  " + d.name() + " "), help);
            if (d.install() != null) {
                assertTrue(help.replace("\n", " ").replaceAll(" +", " ").contains(d.install()));
            }
        }
        for (String line : DataSets.helpLines()) {
            assertTrue(line.length() <= 79, line);
        }
        assertEquals(
                List.of("digits", "fashion-mnist", "idx"),
                DataSets.names(Task.IMAGE).subList(0, 3));
        assertEquals(List.of("csv", "spam-assassin"), DataSets.names(Task.TEXT).subList(0, 2));
    }

    @Test
    void defaultsFollowTheGivenFiles() {
        Sources none = Sources.seedOnly(1);
        assertEquals("digits", DataSets.resolve(Task.IMAGE, null, none).name());
        assertEquals("spam-assassin", DataSets.resolve(Task.TEXT, null, none).name());
        Path f = Path.of("x");
        Sources idx = new Sources(null, f, f, f, f, null, null, null, 1);
        assertEquals("idx", DataSets.resolve(Task.IMAGE, null, idx).name());
        Sources csv = new Sources(null, null, null, null, null, f, f, null, 1);
        assertEquals("csv", DataSets.resolve(Task.TEXT, null, csv).name());
    }

    @Test
    void anUnknownOrForeignNameListsTheTasksDataSets() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DataSets.resolve(Task.IMAGE, "cifar", Sources.seedOnly(1)));
        assertTrue(
                e.getMessage().startsWith("image --dataset must be digits, fashion-mnist"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(", got 'cifar'"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DataSets.resolve(Task.TEXT, "digits", Sources.seedOnly(1)));
        assertTrue(e.getMessage().contains("got 'digits' (a image data set)"), e.getMessage());
    }

    @Test
    void digitsEntrySplitsEightyTwentyBySeed() throws IOException {
        DataSet d = DataSets.find("digits").orElseThrow();
        DataSet.ImageSplits a = (DataSet.ImageSplits) d.load(Sources.seedOnly(3));
        DataSet.ImageSplits b = (DataSet.ImageSplits) d.load(Sources.seedOnly(3));
        assertEquals(1797, a.train().count() + a.test().count());
        assertEquals(359, a.test().count()); // 20 % of each class, rounded
        assertEquals(List.of(a.train().labels().length), List.of(b.train().labels().length));
        assertTrue(java.util.Arrays.equals(a.test().pixels(), b.test().pixels()));
        assertEquals(10, a.classNames().size());
    }
}
