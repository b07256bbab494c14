package dev.qama.cli;

import dev.qama.core.io.BiqMacFormat;
import dev.qama.core.io.GsetFormat;
import dev.qama.core.io.IoErrors;
import dev.qama.core.io.MaxCutInstance;
import dev.qama.core.io.QuboFormat;
import dev.qama.core.model.BinaryQuadraticModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The problem file formats {@code qama solve --format} reads (see docs/formats.md). */
public enum InputFormat {
    /** G-set / rudy Max-Cut graph → Ising model; the cut is reported too. */
    GSET,
    /** BiqMac sparse QUBO, min xᵀQx with Q symmetric. */
    BIQMAC,
    /** This library's own QUBO text format. */
    QUBO;

    /** The name on the command line ({@code gset}, {@code biqmac}, {@code qubo}). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** All names, for messages: "gset, biqmac or qubo". */
    public static String names() {
        String all =
                Arrays.stream(values()).map(InputFormat::cliName).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }

    /**
     * The format called {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException listing the known formats
     */
    public static InputFormat of(String name) {
        for (InputFormat f : values()) {
            if (f.cliName().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "'; expected " + names());
    }

    /**
     * Reads a problem file.
     *
     * @throws UserException if the file is missing, unreadable or malformed (the message names the
     *     file and, for a malformed one, the line)
     */
    public LoadedInstance load(Path file) {
        String name = baseName(file);
        if (Files.isDirectory(file)) {
            throw new UserException(file + ": is a directory, not a problem file");
        }
        try {
            return switch (this) {
                case GSET -> {
                    MaxCutInstance g = GsetFormat.read(file);
                    yield new LoadedInstance(name, this, g.toIsing(), g);
                }
                case BIQMAC -> new LoadedInstance(name, this, BiqMacFormat.read(file), null);
                case QUBO -> new LoadedInstance(name, this, QuboFormat.read(file), null);
            };
        } catch (IOException e) {
            throw new UserException(IoErrors.describe(file, e), e);
        }
    }

    private static String baseName(Path file) {
        Path f = file.getFileName();
        String s = f == null ? file.toString() : f.toString();
        int dot = s.lastIndexOf('.');
        return dot > 0 ? s.substring(0, dot) : s;
    }

    /** A problem read from a file. */
    public record LoadedInstance(
            String name, InputFormat format, BinaryQuadraticModel model, MaxCutInstance maxCut) {}

    /** The picocli converter: case-insensitive names, errors listing the known ones. */
    public static final class Converter implements ITypeConverter<InputFormat> {
        @Override
        public InputFormat convert(String value) {
            try {
                return of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
