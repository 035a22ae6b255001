package dev.sandgate.tunnel;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The teardown check of this module's whole test suite (registered for every class through
 * {@code META-INF/services}): a test class that leaves a Sandgate, MINA client or OkHttp client thread running after
 * it ends fails. Such a thread means a {@code SandboxSsh}, a connection, a tunnel or a transport left open. Threads
 * get 15 s to end; OkHttp's process-wide TaskRunner and Okio's watchdog belong to no one client and are not counted.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheck.class);
    private static final Duration GRACE = Duration.ofSeconds(15);

    @Override
    public void beforeAll(ExtensionContext context) {
        if (isTopLevel(context)) {
            context.getStore(NAMESPACE).put("before", allThreads());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (!isTopLevel(context)) {
            return;
        }
        @SuppressWarnings("unchecked")
        Set<Thread> before = context.getStore(NAMESPACE).get("before", Set.class);
        long deadline = System.nanoTime() + GRACE.toNanos();
        Set<String> left = ownedThreadsSince(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = ownedThreadsSince(before);
        }
        if (!left.isEmpty()) {
            throw new AssertionError(context.getRequiredTestClass().getSimpleName() + " left threads running "
                    + GRACE.toSeconds() + " s after it ended (something it opened was not closed): " + left);
        }
    }

    /** The JVM's platform threads and the virtual ones Sandgate started, which no JVM-wide list shows. */
    static Set<Thread> allThreads() {
        Set<Thread> all = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        all.addAll(dev.sandgate.tunnel.internal.PeerThreads.live());
        return all;
    }

    private static boolean isTopLevel(ExtensionContext context) {
        return context.getTestClass().map(type -> type.getEnclosingClass() == null).orElse(false);
    }

    /** The names of the threads started since {@code before} that a SandboxSsh, its transports or connections own. */
    static Set<String> ownedThreadsSince(Set<Thread> before) {
        return ownedThreads(before).stream().map(Thread::getName).collect(Collectors.toSet());
    }

    /** The threads started since {@code before} that a SandboxSsh, its transports or its connections own. */
    static java.util.List<Thread> ownedThreads(Set<Thread> before) {
        return allThreads().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .filter(t -> t.getName().startsWith("sandgate") || t.getName().startsWith("sshd-SshClient")
                        || t.getName().startsWith("OkHttp") && !t.getName().contains("TaskRunner"))
                .collect(Collectors.toList());
    }
}
