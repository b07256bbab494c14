package dev.qama.core.io;

import static dev.qama.core.io.IoTesting.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the readers meet byte order marks, binary data and control characters in a file. */
class TextEncodingTest {
    @TempDir Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @Test
    void utf8ByteOrderMarkIsSkipped() throws IOException {
        Path g =
                write(
                        "g.txt",
                        concat(BOM, "3 2\n1 2 1\n2 3 -1\n".getBytes(StandardCharsets.UTF_8)));
        MaxCutInstance m = GsetFormat.read(g);
        assertEquals(3, m.numNodes());
        assertEquals(2, m.numEdges());
        Path q =
                write("q.qubo", concat(BOM, "qubo 2 1\n0 1 -1\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, QuboFormat.read(q).numVariables());
        Path b = write("b.sparse", concat(BOM, "2 1\n1 2 3\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, BiqMacFormat.read(b).numVariables());
        // only at the start: elsewhere it is an ordinary (bad) character, shown escaped
        Path mid = write("mid.txt", "3 1\n\uFEFF1 2 1\n".getBytes(StandardCharsets.UTF_8));
        assertFormatError(() -> GsetFormat.read(mid), mid.toString(), 2, "'\\ufeff1'");
    }

    @Test
    void nulBytesAndUtf16AreNamedNotQuoted() throws IOException {
        Path nul = write("nul.txt", "4 1\n1 2 \0 1\n".getBytes(StandardCharsets.UTF_8));
        FormatException e =
                assertFormatError(
                        () -> GsetFormat.read(nul),
                        nul.toString(),
                        2,
                        "not a text file: a NUL byte");
        assertFalse(e.getMessage().contains("\0"), e.getMessage());
        // UTF-16 without a byte order mark: every other byte is NUL
        Path le = write("le.txt", "4 1\n1 2 1\n".getBytes(StandardCharsets.UTF_16LE));
        assertFormatError(() -> GsetFormat.read(le), le.toString(), 1, "not a text file");
        Path bom16 = write("u16.txt", "4 1\n1 2 1\n".getBytes(StandardCharsets.UTF_16));
        assertFormatError(
                () -> QuboFormat.read(bom16),
                bom16.toString(),
                0,
                "UTF-16 (byte order mark FE FF)");
        Path bomLe =
                write(
                        "u16le.txt",
                        concat(
                                new byte[] {(byte) 0xFF, (byte) 0xFE},
                                "4 1\n".getBytes(StandardCharsets.UTF_16LE)));
        assertFormatError(() -> BiqMacFormat.read(bomLe), bomLe.toString(), 0, "FF FE");
        Path latin = write("latin.txt", new byte[] {'4', ' ', (byte) 0xE9, '\n'});
        assertFormatError(() -> GsetFormat.read(latin), latin.toString(), 0, "invalid UTF-8");
    }

    @Test
    void controlCharactersFromTheFileAreEscaped() throws IOException {
        Path esc =
                write(
                        "esc.txt",
                        "4 1\n1 2 \u001b[31mRED\u001b]0;title\u0007\u202e\n"
                                .getBytes(StandardCharsets.UTF_8));
        FormatException e =
                assertFormatError(
                        () -> GsetFormat.read(esc),
                        esc.toString(),
                        2,
                        "edge weight '\\x1b[31mRED\\x1b]0;title\\x07\\u202e' is not a finite");
        for (char c : e.getMessage().toCharArray()) {
            assertTrue(c >= 0x20 && c != 0x7f && c != '\u202e', e.getMessage());
        }
        Path header = write("h.txt", "4\u001b[2J 1\n".getBytes(StandardCharsets.UTF_8));
        assertFormatError(() -> GsetFormat.read(header), header.toString(), 1, "(4\\x1b[2J 1)");
    }

    @Test
    void printableEscapesOnlyWhatCouldDriveTheTerminal() {
        assertEquals(
                "plain text, ümlaut ∑ 漢字", FormatException.printable("plain text, ümlaut ∑ 漢字"));
        assertEquals(
                "a\\tb\\x00c\\x1bd\\x7fe\\x9bf\\u2028g\\ufeffh\\u2066i",
                FormatException.printable("a\tb\0c\u001bd\u007fe\u009bf\u2028g\uFEFFh\u2066i"));
        assertEquals("null", FormatException.printable(null));
    }

    @Test
    void aDirectoryIsNamedAsSuch() {
        FileSystemException e = assertThrows(FileSystemException.class, () -> GsetFormat.read(dir));
        assertEquals(dir.toString(), e.getFile());
        assertTrue(e.getReason().contains("is a directory"), e.getReason());
    }
}
