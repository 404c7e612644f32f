package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.VarHandle;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * (startup13) The AOT trainings load every VarHandle holder class of the engine's word-at-a-time loops
 * ({@link AotTraining#WORD_LOADERS}): each named class exists, is a holder (static VarHandle fields only), and every
 * such holder nested in the listed outer classes is named, so none is left for a tiny scan to load from the jar.
 */
class AotTrainingTest {
    @Test
    void everyWordLoaderHolderIsNamedAndExists() throws Exception {
        AotTraining.loadWordLoaders(); // throws on a missing name
        for (String name : AotTraining.WORD_LOADERS) {
            Class<?> holder = Class.forName(name);
            assertTrue(holder.getDeclaredFields().length > 0, name);
            assertTrue(Arrays.stream(holder.getDeclaredFields())
                    .allMatch(f -> f.getType() == VarHandle.class && Modifier.isStatic(f.getModifiers())), name);
            Class<?> outer = holder.getDeclaringClass();
            for (Class<?> nested : outer.getDeclaredClasses()) {
                boolean holdsVarHandles = Arrays.stream(nested.getDeclaredFields()).anyMatch(f -> f.getType() == VarHandle.class);
                assertTrue(!holdsVarHandles || Arrays.asList(AotTraining.WORD_LOADERS).contains(nested.getName()),
                        nested.getName() + " holds VarHandles but is not in AotTraining.WORD_LOADERS");
            }
        }
    }
}
