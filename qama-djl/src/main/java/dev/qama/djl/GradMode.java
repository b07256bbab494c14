package dev.qama.djl;

import ai.djl.engine.Engine;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether the engine records operations for autograd on the calling thread. DJL's API cannot tell
 * ({@code NDArray.hasGradient()} is false for the results of operations even while a {@code
 * GradientCollector} records them); the PyTorch engine can ({@code JniUtils.isGradMode()}, looked
 * up reflectively so that this module keeps no compile-time dependency on an engine). For any other
 * engine, or if the lookup fails, the answer is "recording", which only forgoes a shortcut.
 */
final class GradMode {
    private static final String PYTORCH = "ai.djl.pytorch.jni.JniUtils";

    /** The engine class whose lookup is cached, and the method found for it (or null). */
    private static volatile Lookup cached;

    private record Lookup(Class<?> engine, MethodHandle isGradMode) {}

    private GradMode() {}

    /**
     * False only when {@code engine} is known not to record operations for autograd on this thread,
     * so that no gradient can flow through what is computed now.
     */
    static boolean recording(Engine engine) {
        Lookup l = cached;
        if (l == null || l.engine() != engine.getClass()) {
            l = new Lookup(engine.getClass(), find(engine));
            cached = l;
        }
        if (l.isGradMode() == null) {
            return true;
        }
        try {
            return (boolean) l.isGradMode().invokeExact();
        } catch (Throwable t) {
            return true;
        }
    }

    private static MethodHandle find(Engine engine) {
        if (!"PyTorch".equals(engine.getEngineName())) {
            return null;
        }
        try {
            Class<?> c = Class.forName(PYTORCH, false, engine.getClass().getClassLoader());
            return MethodHandles.publicLookup()
                    .findStatic(c, "isGradMode", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            return null;
        }
    }
}
