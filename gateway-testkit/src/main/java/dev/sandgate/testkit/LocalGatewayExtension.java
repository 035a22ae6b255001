package dev.sandgate.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link LocalGateway} for the tests of a class and its {@code @Nested} classes: started before the first
 * test, closed after the last.
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();
 *
 *     @Test
 *     void connects(LocalGateway gateway) { ... } // or GATEWAY.gateway()
 * }
 * }</pre>
 */
public final class LocalGatewayExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final LocalGateway.Builder builder;
    private LocalGateway gateway;
    private String startedBy;

    /** An extension that starts a LocalGateway with the default settings. */
    public LocalGatewayExtension() {
        this(LocalGateway.builder());
    }

    /**
     * An extension that starts a LocalGateway built by this builder.
     *
     * @param builder the builder to take the settings from
     */
    public LocalGatewayExtension(LocalGateway.Builder builder) {
        this.builder = builder;
    }

    /**
     * The running gateway.
     *
     * @return the running gateway
     */
    public LocalGateway gateway() {
        if (gateway == null) {
            throw new IllegalStateException("The LocalGateway runs only while the test class runs");
        }
        return gateway;
    }

    // JUnit calls these for the outer class and again for each @Nested class: one gateway serves them all.
    @Override
    public void beforeAll(ExtensionContext context) {
        if (gateway == null) {
            gateway = builder.start();
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (gateway != null && context.getUniqueId().equals(startedBy)) {
            gateway.close();
            gateway = null;
            startedBy = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalGateway.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return gateway();
    }
}
