package dev.qama.djl;

import ai.djl.engine.Engine;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether the engine records operations for autograd right now. DJL's API has no engine-neutral
 * query ({@code NDArray.hasGradient()} reports only arrays that were given a gradient, not the
 * results of recorded operations), so this asks the PyTorch engine's own grad mode, which its
 * gradient collector switches on and off; for any other engine, or if the query fails, it answers
 * "recording", the safe side: the caller then keeps its differentiable path.
 */
final class Autograd {
    private Autograd() {}

    /** {@code ai.djl.pytorch.jni.JniUtils.isGradMode()}, or null when not reachable. */
    private static final MethodHandle PYTORCH_GRAD_MODE = pytorchGradMode();

    private static MethodHandle pytorchGradMode() {
        try {
            Class<?> c = Class.forName("ai.djl.pytorch.jni.JniUtils");
            return MethodHandles.publicLookup()
                    .findStatic(c, "isGradMode", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            return null;
        }
    }

    /**
     * True when no operation of {@code engine} on the calling thread can be recorded for a backward
     * pass now: the PyTorch engine outside a gradient collector. False when it records, and for
     * every other engine (unknown: assumed recording).
     */
    static boolean isOff(Engine engine) {
        if (PYTORCH_GRAD_MODE == null || !"PyTorch".equals(engine.getEngineName())) {
            return false;
        }
        try {
            return !(boolean) PYTORCH_GRAD_MODE.invokeExact();
        } catch (Throwable e) {
            return false;
        }
    }
}
