package io.stagepass.platform.views;

/** Hears of each change a record made to a projection, on the view's thread: it must return quickly. */
@FunctionalInterface
public interface ChangeListener {
    /** {@code id} is what {@link Projection#put} or {@link Projection#remove} said changed. */
    void changed(Projection<?> projection, String id);
}
