package dev.qama.cim.sa;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.SparseCoupling;

/** Picks the kernel for a problem's shape. */
final class Kernels {
    private Kernels() {}

    static Kernel create(Problem problem, LowRankMode mode) {
        if (problem instanceof AttentionProblem ap) {
            boolean[] expand = new boolean[ap.heads()];
            for (int t = 0; t < ap.heads(); t++) {
                if (ap.coupling(t) instanceof LowRankCoupling lr) {
                    expand[t] = mode.expands(ap.tokens(), lr.rank());
                }
            }
            return new AttentionKernel(ap, expand);
        }
        if (problem instanceof BinaryQuadraticModel m) {
            Coupling c = m.coupling();
            if (c instanceof DenseCoupling dc) {
                return new DenseKernel(m, dc.data());
            }
            if (c instanceof SparseCoupling sc) {
                return new SparseKernel(m, sc);
            }
            if (c instanceof LowRankCoupling lr) {
                if (mode.expands(lr.size(), lr.rank())) {
                    return new DenseKernel(m, lr.toDenseArray(lr.size()));
                }
                return new LowRankKernel(m, lr);
            }
        }
        throw new IllegalArgumentException(
                "no single-flip kernel for problem type " + problem.getClass().getName());
    }

    static boolean supports(Problem problem) {
        return problem instanceof AttentionProblem || problem instanceof BinaryQuadraticModel;
    }
}
