package dev.qama.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipException;

/**
 * The one place that turns I/O exceptions into the command line's one-line messages {@code FILE:
 * what went wrong} ("no such file", "is a directory", "permission denied", "not UTF-8 text",
 * "corrupt gzip data", ...), never a Java class name; and the strict reader of a user's text file
 * built on it. Readers that meet an exception which does not name its file ({@link
 * CharacterCodingException}, {@link ZipException}, {@link EOFException}, the bare "Is a directory"
 * of a read) rethrow it with {@link #withFile}, so the message names the file wherever it is
 * finally reported.
 */
public final class IoErrors {
    private IoErrors() {}

    /**
     * The one-line message for {@code e}: {@code FILE: what}. The file is the one the exception
     * names (a {@link FileSystemException}'s), else {@code file}; with neither, just what.
     *
     * @param file the file being read or written when {@code e} happened, or null
     */
    public static String describe(Path file, IOException e) {
        String name = null;
        String other = null;
        if (e instanceof FileSystemException f && f.getFile() != null) {
            name = f.getFile();
            other = f.getOtherFile();
        } else if (file != null) {
            name = file.toString();
        }
        String what = what(e);
        if (other != null) {
            what += " (" + other + ")";
        }
        return name == null ? what : name + ": " + what;
    }

    /**
     * {@code e} as a {@link FileSystemException} that names {@code file} and says what went wrong
     * in words ({@link #describe}); a FileSystemException that already names its file is returned
     * as it is.
     */
    public static FileSystemException withFile(Path file, IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f;
        }
        FileSystemException x = new FileSystemException(file.toString(), null, what(e));
        x.initCause(e);
        return x;
    }

    /**
     * A user's text file as a string: strict UTF-8 (a leading byte order mark is dropped; an
     * invalid byte is an error naming its line), with every failure as a message of {@link
     * #describe}.
     *
     * @throws FileSystemException naming the file: missing, a directory, unreadable, not UTF-8
     */
    public static String readText(Path file) throws FileSystemException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a directory, not a file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw withFile(file, e);
        }
        CharsetDecoder d =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) {
            r = d.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new FileSystemException(
                    file.toString(),
                    null,
                    String.format(
                            Locale.ROOT,
                            "not UTF-8 text: byte 0x%02X on line %d (save the file as UTF-8)",
                            bytes[at] & 0xff,
                            line));
        }
        out.flip();
        String s = out.toString();
        return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }

    private static String what(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileSystemLoopException) {
            return "a loop of symbolic links";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() == null ? "cannot be accessed" : lowerFirst(f.getReason());
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text (save the file as UTF-8)";
        }
        if (e instanceof ZipException) {
            return "corrupt gzip data"
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        }
        if (e instanceof EOFException) {
            return "ends too early (truncated?)";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "read or write failed" : lowerFirst(m.strip());
    }

    private static String lowerFirst(String s) {
        // "Is a directory", "No space left on device" (the OS's words), but not "IDX ..." or
        // "UTF-8"
        if (s.length() > 1
                && Character.isUpperCase(s.charAt(0))
                && Character.isLowerCase(s.charAt(1))) {
            return Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }
        return s;
    }
}
