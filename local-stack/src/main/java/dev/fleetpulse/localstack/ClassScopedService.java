package dev.fleetpulse.localstack;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one service before the first test of a class and closes it after the last. A failure to start (a
 * missing binary, a taken port) fails the class: nothing is skipped. {@code @Nested} classes share the outer
 * class's service.
 */
abstract class ClassScopedService<S extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {

    private S service;
    private String ownerId;

    protected abstract S startService();

    @Override
    public void beforeAll(ExtensionContext context) {
        if (service == null) {
            service = startService();
            ownerId = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (service != null && context.getUniqueId().equals(ownerId)) {
            S running = service;
            service = null;
            ownerId = null;
            running.close();
        }
    }

    /** The running service; only between beforeAll and afterAll, i.e. inside tests and their lifecycle methods. */
    protected S service() {
        if (service == null) {
            throw new IllegalStateException(getClass().getSimpleName()
                    + " is not running: register it as a static field with @RegisterExtension and use it from tests");
        }
        return service;
    }
}
