package dev.qama.cli;

import dev.qama.core.io.IoErrors;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The run directory of {@code qama train}. Without {@code --out} it is {@code
 * runs/<yyyyMMdd-HHmmss>}, or {@code <stamp>-2}, {@code -3}, ... when that name is taken: each name
 * is claimed by an atomic create, so runs started in the same second (in one or several processes)
 * never share a directory. A run that fails before writing anything removes the directory it
 * created ({@link #discardIfEmpty}).
 */
final class RunDirectory {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final int MAX_SUFFIX = 100_000;

    private final Path path;
    private final boolean created;

    private RunDirectory(Path path, boolean created) {
        this.path = path;
        this.created = created;
    }

    /**
     * Creates (or, for an existing {@code --out} directory, reuses) the run directory.
     *
     * @param out the {@code --out} directory, or null for a new one under {@code runs}
     * @param runs where new run directories go
     * @param now the time that names a new run directory
     * @throws UserException naming the directory when it cannot be created (a file of that name
     *     exists, permission denied, ...)
     */
    static RunDirectory create(Path out, Path runs, LocalDateTime now) {
        if (out != null) {
            if (Files.isDirectory(out)) {
                return new RunDirectory(out, false);
            }
            if (Files.exists(out)) {
                throw new UserException("--out " + out + ": exists and is not a directory");
            }
            try {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createDirectory(out);
                return new RunDirectory(out, true);
            } catch (FileAlreadyExistsException e) {
                if (Files.isDirectory(out)) { // created by another run meanwhile
                    return new RunDirectory(out, false);
                }
                throw new UserException("--out " + out + ": exists and is not a directory", e);
            } catch (IOException e) {
                throw new UserException("--out: " + IoErrors.describe(out, e), e);
            }
        }
        String stamp = now.format(STAMP);
        try {
            Files.createDirectories(runs);
        } catch (IOException e) {
            throw new UserException(
                    "cannot create the run directory: " + IoErrors.describe(runs, e), e);
        }
        for (int k = 1; k <= MAX_SUFFIX; k++) {
            Path p = runs.resolve(k == 1 ? stamp : stamp + "-" + k);
            try {
                Files.createDirectory(p);
                return new RunDirectory(p, true);
            } catch (FileAlreadyExistsException taken) {
                // another run has this name: try the next
            } catch (IOException e) {
                throw new UserException(
                        "cannot create the run directory: " + IoErrors.describe(p, e), e);
            }
        }
        throw new UserException(
                "cannot create the run directory: "
                        + runs.resolve(stamp)
                        + "-1 to -"
                        + MAX_SUFFIX
                        + " all exist");
    }

    /** The directory. */
    Path path() {
        return path;
    }

    /**
     * Removes the directory if this run created it and it is still empty (a run that failed before
     * writing anything); otherwise leaves it.
     */
    void discardIfEmpty() {
        if (!created) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (DirectoryNotEmptyException kept) {
            // something was written: keep it
        } catch (IOException ignored) {
            // best effort: the error that ended the run is what gets reported
        }
    }
}
