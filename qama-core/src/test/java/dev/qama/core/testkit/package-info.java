/**
 * Shared test helpers published in qama-core's test-jar: the backend contract test {@link
 * dev.qama.core.testkit.AnnealerBackendContract}, seeded problem generators {@link
 * dev.qama.core.testkit.RandomProblems} and a tiny independent exhaustive oracle {@link
 * dev.qama.core.testkit.Oracle}.
 */
package dev.qama.core.testkit;
