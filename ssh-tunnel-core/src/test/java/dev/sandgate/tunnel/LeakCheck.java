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
 * pools that end their threads after a few idle seconds, such as {@code sandgate-websocket-control}) ends by itself
 * unless something still open hands it work; the class does not sit out those seconds, but the next class boundary of
 * this JVM checks it again, and a thread still running 15 s after the class that left it ended fails that later class
 * with the first one's name in the message. An idle thread of a pool the whole JVM shares (the resumable tunnels'
 * closer) is no one class's: the next class may use it.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheck.class);
    private static final Duration GRACE = Duration.ofSeconds(15);

    /** Idle pool threads a class left, with the time by which they must have ended. */
    private record Lingering(String owner, Set<Thread> threads, long deadline) {
    }

    private static final List<Lingering> LINGERING = new CopyOnWriteArrayList<>();

    /** Pools shared by every connection of the JVM (README, "Threads, and what is left after close()"). */
    private static final List<String> SHARED_BY_THE_JVM = List.of("sandgate-resumable-closer", "sandgate-transfer-");

    @Override
    public void beforeAll(ExtensionContext context) {
        if (isTopLevel(context)) {
            checkLingering();
            context.getStore(NAMESPACE).put("before", Set.copyOf(Thread.getAllStackTraces().keySet()));
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
        List<Thread> left = ownedThreads(before);
        while (left.stream().anyMatch(thread -> !idleInAPoolWithATimeLimit(thread)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = ownedThreads(before);
        }
        if (left.stream().anyMatch(thread -> !idleInAPoolWithATimeLimit(thread))) {
            throw new AssertionError(context.getRequiredTestClass().getSimpleName() + " left threads running "
                    + GRACE.toSeconds() + " s after it ended (something it opened was not closed): " + names(left));
        }
        // an idle thread of a pool the whole JVM shares may serve the next class's tunnels too: it is no one's
        left.removeIf(thread -> SHARED_BY_THE_JVM.stream().anyMatch(thread.getName()::startsWith));
        if (!left.isEmpty()) {
            LINGERING.add(new Lingering(context.getRequiredTestClass().getSimpleName(), Set.copyOf(left), deadline));
        }
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

    /**
     * Whether the thread is a pool's worker waiting for a next task with a time limit (ThreadPoolExecutor.getTask
     * polling with its keep-alive time): it ends by itself when that passes with no task.
     */
    static boolean idleInAPoolWithATimeLimit(Thread thread) {
        if (thread.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals("java.util.concurrent.ThreadPoolExecutor")
                    && frame.getMethodName().equals("getTask")) {
                return true;
            }
        }
        return false;
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
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .filter(t -> t.getName().startsWith("sandgate") || t.getName().startsWith("sshd-SshClient")
                        || t.getName().startsWith("OkHttp") && !t.getName().contains("TaskRunner"))
                .collect(Collectors.toList());
    }
}
