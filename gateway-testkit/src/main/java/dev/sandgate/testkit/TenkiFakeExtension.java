package dev.sandgate.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link TenkiFake} for the tests of a class and its {@code @Nested} classes: started before the first test,
 * closed after the last.
 *
 * <pre>{@code
 * class TenkiProviderTest {
 *     @RegisterExtension
 *     static final TenkiFakeExtension TENKI = new TenkiFakeExtension(
 *             TenkiFake.builder().certificateLifetime(Duration.ofSeconds(6)).renewalAfter(Duration.ofSeconds(2)));
 *
 *     @Test
 *     void connects(TenkiFake tenki) { ... } // or TENKI.fake()
 * }
 * }</pre>
 */
public final class TenkiFakeExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final TenkiFake.Builder builder;
    private TenkiFake fake;
    private String startedBy;

    /** An extension that starts a fake with the default settings. */
    public TenkiFakeExtension() {
        this(TenkiFake.builder());
    }

    /**
     * An extension that starts a fake built by this builder.
     *
     * @param builder the builder to take the settings from
     */
    public TenkiFakeExtension(TenkiFake.Builder builder) {
        this.builder = builder;
    }

    /** {@return the running fake} */
    public TenkiFake fake() {
        if (fake == null) {
            throw new IllegalStateException("The Tenki fake runs only while the test class runs");
        }
        return fake;
    }

    // JUnit calls these for the outer class and again for each @Nested class: one fake serves them all.
    @Override
    public void beforeAll(ExtensionContext context) {
        if (fake == null) {
            fake = builder.start();
            startedBy = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (fake != null && context.getUniqueId().equals(startedBy)) {
            fake.close();
            fake = null;
            startedBy = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TenkiFake.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return fake();
    }
}
