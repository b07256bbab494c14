package dev.qama.bench;

import java.util.Arrays;

/** Small statistics helpers for benchmark reports. */
public final class Stats {
    private Stats() {}

    /** The median (mean of the two middle values for an even count). */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }

    /**
     * The nearest-rank quantile: the smallest value with at least a fraction {@code p} of the
     * values at or below it ({@code p = 1}: the maximum); NaN for no values.
     */
    public static double quantile(double[] values, double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], got " + p);
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        // tolerance: 0.9 * 10 is 9.000000000000002 in binary, whose ceiling would be 10
        int rank = (int) Math.ceil(p * s.length - 1e-9);
        return s[Math.max(rank, 1) - 1];
    }

    /** The arithmetic mean. */
    public static double mean(double[] values) {
        double acc = 0;
        for (double v : values) {
            acc += v;
        }
        return values.length == 0 ? Double.NaN : acc / values.length;
    }

    /** The sample standard deviation (0 for fewer than two values). */
    public static double sd(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double m = mean(values);
        double acc = 0;
        for (double v : values) {
            acc += (v - m) * (v - m);
        }
        return Math.sqrt(acc / (values.length - 1));
    }

    /**
     * Time to solution with 99 % confidence: t_run · ln(0.01) / ln(1 − p) for a success probability
     * p per run of length t_run; t_run when p = 1, +∞ when p = 0.
     */
    public static double tts99(double runSeconds, double successProbability) {
        if (successProbability >= 1) {
            return runSeconds;
        }
        if (successProbability <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return runSeconds * Math.log(0.01) / Math.log(1 - successProbability);
    }
}
