package io.github.geministreams.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, newest first, after each test, even when it failed:
 * {@code @RegisterExtension final Closer closer = new Closer();} then {@code closer.add(x)}.
 */
public final class Closer implements AfterEachCallback {
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** Registers {@code resource} to be closed after the test; returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (first != null) {
            throw first;
        }
    }
}
