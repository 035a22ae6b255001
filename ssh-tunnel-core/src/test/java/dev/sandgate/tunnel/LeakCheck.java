package dev.sandgate.tunnel;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The teardown check of this module's whole test suite (registered for every class through
 * {@code META-INF/services}): a test class that leaves a Sandgate, MINA client or OkHttp client thread running after
 * it ends fails. Such a thread means a {@code SandboxSsh}, a connection, a tunnel or a transport left open. Threads
 * get 15 s to end; OkHttp's process-wide TaskRunner and Okio's watchdog belong to no one client and are not counted.
 *
 * <p>A class waits at its end for every thread it left that is doing something or waiting without a time limit (a
 * reader, an I/O group, a running task). A thread that waits in an idle pool for a next task with a time limit (the
 * pools that end their threads after a few idle seconds, such as {@code sandgate-websocket-control}; not a scheduled
 * pool, whose worker waits the same way for its next task) ends by itself unless something still open hands it work:
 * the class does not sit out those seconds, but the next class boundary of this JVM checks it again, and a thread
 * still running 15 s after the class that left it ended fails that later class with the first one's name in the
 * message. The resumable tunnels' closer is shared by the whole JVM (the next class's tunnels use it too) and, like
 * OkHttp's TaskRunner, belongs to no one client.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheck.class);
    private static final Duration GRACE = Duration.ofSeconds(15);

    /** Idle pool threads a class left, with the time by which they must have ended. */
    private record Lingering(String owner, Set<Thread> threads, long deadline) {
    }

    private static final List<Lingering> LINGERING = new CopyOnWriteArrayList<>();

    /**
     * The pool every resumable tunnel of the JVM shares to close a last connection the gateway does not hang up (README,
     * "Threads, and what is left after close()"): it belongs to no one client, and the next class's tunnels use it too.
     */
    private static final String SHARED_CLOSER = "sandgate-resumable-closer";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (isTopLevel(context)) {
            checkLingering();
            context.getStore(NAMESPACE).put("before", allThreads());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (!isTopLevel(context)) {
            return;
        }
        checkLingering();
        @SuppressWarnings("unchecked")
        Set<Thread> before = context.getStore(NAMESPACE).get("before", Set.class);
        long deadline = System.nanoTime() + GRACE.toNanos();
        List<Thread> left = threadsOfItsOwn(before);
        while (left.stream().anyMatch(thread -> !idleInAPoolWithATimeLimit(thread)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = threadsOfItsOwn(before);
        }
        if (left.stream().anyMatch(thread -> !idleInAPoolWithATimeLimit(thread))) {
            throw new AssertionError(context.getRequiredTestClass().getSimpleName() + " left threads running "
                    + GRACE.toSeconds() + " s after it ended (something it opened was not closed): " + names(left));
        }
        if (!left.isEmpty()) {
            LINGERING.add(new Lingering(context.getRequiredTestClass().getSimpleName(), Set.copyOf(left), deadline));
        }
    }

    /** The JVM's platform threads and the virtual ones Sandgate started, which no JVM-wide list shows. */
    static Set<Thread> allThreads() {
        Set<Thread> all = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        all.addAll(dev.sandgate.tunnel.internal.PeerThreads.live());
        return all;
    }

    /** Fails if an idle pool thread an earlier class left is still running past that class's grace. */
    private static void checkLingering() {
        long now = System.nanoTime();
        for (Lingering lingering : LINGERING) {
            List<Thread> alive = lingering.threads().stream().filter(Thread::isAlive).collect(Collectors.toList());
            if (alive.isEmpty()) {
                LINGERING.remove(lingering);
            } else if (now - lingering.deadline() > 0) {
                LINGERING.remove(lingering);
                throw new AssertionError(lingering.owner() + " left threads running " + GRACE.toSeconds()
                        + " s after it ended (something it opened was not closed, and gave its idle pool work): "
                        + names(alive));
            }
        }
    }

    /** The threads started since {@code before} that a client owns, less the JVM's shared closer. */
    private static List<Thread> threadsOfItsOwn(Set<Thread> before) {
        List<Thread> threads = ownedThreads(before);
        threads.removeIf(thread -> thread.getName().startsWith(SHARED_CLOSER));
        return threads;
    }

    /**
     * Whether the thread is a plain pool's worker waiting for a next task with a time limit (ThreadPoolExecutor.getTask
     * polling its empty queue for the keep-alive time): it ends by itself when that passes with no task. A scheduled
     * pool's worker waits the same way for its next scheduled task (a keepalive every few seconds of a client left
     * open, say), so it does not count as idle.
     */
    static boolean idleInAPoolWithATimeLimit(Thread thread) {
        if (thread.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        boolean polling = false;
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().startsWith("java.util.concurrent.ScheduledThreadPoolExecutor")) {
                return false;
            }
            if (frame.getClassName().equals("java.util.concurrent.ThreadPoolExecutor")
                    && frame.getMethodName().equals("getTask")) {
                polling = true;
            }
        }
        return polling;
    }

    private static Set<String> names(List<Thread> threads) {
        return threads.stream().map(Thread::getName).collect(Collectors.toSet());
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
