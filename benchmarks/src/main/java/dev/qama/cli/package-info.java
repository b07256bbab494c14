/**
 * The {@code qama} command line ({@link dev.qama.cli.Main}, run by the {@code ./qama} launcher at
 * the repository root): picocli subcommands {@code solve} (one problem file with an annealer
 * backend) and {@code solvers} (the backends on the class path). Later commands ({@code train},
 * {@code bench}, {@code serve}) are added as further subcommands of {@link dev.qama.cli.Main}.
 *
 * <p>Conventions every subcommand follows: results on stdout (with {@code --json}, exactly one JSON
 * object and nothing else), diagnostics on stderr; a user error (bad file, unknown solver, bad
 * option or value, missing file) exits with code {@value dev.qama.cli.Main#EXIT_USAGE} and prints
 * one line {@code qama: ...} on stderr, never a stack trace; an internal error exits with {@value
 * dev.qama.cli.Main#EXIT_FAILURE}.
 */
package dev.qama.cli;
