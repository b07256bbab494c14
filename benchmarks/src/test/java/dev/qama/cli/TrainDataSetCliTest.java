package dev.qama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.bench.train.DataSet;
import dev.qama.bench.train.DataSets;
import org.junit.jupiter.api.Test;

/** {@code qama train --dataset}: its help and its errors come from the data-set registry. */
class TrainDataSetCliTest {
    @Test
    void helpListsEveryRegisteredDataSetWithItsInstallCommand() {
        CliRun r = CliRun.of("train", "--help");
        assertEquals(0, r.exitCode(), r.err());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("Data sets (--dataset NAME, task, what):"), r.out());
        for (DataSet d : DataSets.ALL) {
            assertTrue(help.contains(" " + d.name() + " " + d.task().cliName() + " "), d.name());
            if (d.install() != null) {
                assertTrue(help.contains("Install: " + d.install()), d.install());
            }
        }
        assertTrue(help.contains("--dataset=NAME One of " + String.join(", ", names())), r.out());
    }

    @Test
    void anUnknownDataSetIsAOneLineErrorListingTheKnownOnes() {
        CliRun r = CliRun.of("train", "--dataset", "cifar-10");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().length, r.err());
        assertEquals(
                "qama: image --dataset must be "
                        + String.join(", ", DataSets.names(DataSet.Task.IMAGE))
                                .replaceFirst(", ([^,]*)$", " or $1")
                        + ", got 'cifar-10'",
                r.errLines()[0]);
        r = CliRun.of("train", "--task", "text", "--dataset", "cifar-10");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("qama: text --dataset must be csv"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void theRegistryGivesTheTaskOfADataSet() {
        for (DataSet d : DataSets.ALL) {
            if (d.task() == DataSet.Task.TEXT) {
                // a text data set without --task is a text run: the image options are refused
                CliRun r = CliRun.of("train", "--dataset", d.name(), "--patch", "4");
                assertEquals(2, r.exitCode(), d.name());
                assertTrue(
                        r.err()
                                .contains(
                                        "--patch belongs to --task image but --dataset "
                                                + d.name()),
                        r.err());
            }
        }
    }

    private static java.util.List<String> names() {
        return DataSets.ALL.stream().map(DataSet::name).toList();
    }
}
