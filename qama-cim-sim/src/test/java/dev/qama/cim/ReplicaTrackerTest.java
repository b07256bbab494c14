package dev.qama.cim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What {@link ReplicaTracker#loadBest} reports: whether the states it loads differ from s. */
class ReplicaTrackerTest {
    @Test
    void loadBestSaysWhetherTheStatesChanged() {
        ReplicaTracker tracker = new ReplicaTracker(3, 2);
        float[] read = {1f, -1f, -1f, -1f, 1f, 1f}; // n×R: spin v of replica c at v·2 + c
        tracker.update(read, new double[] {-2.0, -1.0});
        float[] s = read.clone();
        assertFalse(tracker.loadBest(s), "s already held the best states");
        assertArrayEquals(read, s);
        float[] other = {-1f, -1f, -1f, -1f, 1f, 1f};
        tracker.update(other, new double[] {-1.5, -0.5}); // no replica improves
        s = other.clone();
        assertTrue(tracker.loadBest(s), "replica 0's best is the first read-out");
        assertArrayEquals(read, s);
    }
}
