package dev.sandgate.tunnel.internal;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Starts the threads that spend their lives waiting on a peer: each tunnel's reader, a re-attach loop, a write drain.
 * On JDK 21 and later they are virtual threads, so a connection that waits holds no platform thread and a few KiB of
 * heap instead of a stack; 10,000 idle connections then run on the JDK's few carrier threads. On JDK 17 they are
 * platform daemon threads, one per tunnel.
 *
 * <p>{@code -Ddev.sandgate.virtualThreads=false} asks for platform threads on any JDK: on JDK 21 to 23 a virtual
 * thread inside a {@code synchronized} block (MINA takes some) pins its carrier while it blocks, which JDK 24 ended.
 */
public final class PeerThreads {
    /** The system property that turns virtual threads off. */
    public static final String PROPERTY = "dev.sandgate.virtualThreads";

    private static final Method OF_VIRTUAL;
    private static final Method NAME;
    private static final Method NAME_COUNTED;
    private static final Method UNSTARTED;
    private static final Method FACTORY;
    private static final Method PER_TASK;
    /** The threads started here that still run: virtual threads appear in no JVM-wide list, so this is theirs. */
    private static final Set<Thread> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Method ofVirtual = null;
        Method name = null;
        Method nameCounted = null;
        Method unstarted = null;
        Method factory = null;
        Method perTask = null;
        if (!"false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
            try {
                Class<?> builder = Class.forName("java.lang.Thread$Builder");
                ofVirtual = Thread.class.getMethod("ofVirtual");
                name = builder.getMethod("name", String.class);
                nameCounted = builder.getMethod("name", String.class, long.class);
                unstarted = builder.getMethod("unstarted", Runnable.class);
                factory = builder.getMethod("factory");
                perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
                // JDK 19 and 20 have the methods but throw unless preview features are on
                unstarted.invoke(name.invoke(ofVirtual.invoke(null), "sandgate-probe"), (Runnable) () -> { });
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                ofVirtual = null;
            }
        }
        OF_VIRTUAL = ofVirtual;
        NAME = name;
        NAME_COUNTED = nameCounted;
        UNSTARTED = unstarted;
        FACTORY = factory;
        PER_TASK = perTask;
    }

    private PeerThreads() {
    }

    /** Whether these threads are virtual on this JVM. */
    public static boolean virtual() {
        return OF_VIRTUAL != null;
    }

    /**
     * The threads started here that have not ended, virtual or not, e.g. for a check that {@code close()} left
     * nothing running ({@link Thread#getAllStackTraces()} lists no virtual thread).
     */
    public static Set<Thread> live() {
        return Set.copyOf(LIVE);
    }

    /** Starts {@code task} on a new thread named {@code name}: virtual where it can be, else a platform daemon. */
    public static Thread start(String name, Runnable task) {
        Thread thread;
        if (OF_VIRTUAL != null) {
            thread = (Thread) invoke(UNSTARTED, invoke(NAME, invoke(OF_VIRTUAL, null), name), tracked(task));
        } else {
            thread = new Thread(tracked(task), name);
            thread.setDaemon(true);
        }
        thread.start();
        return thread;
    }

    /**
     * An executor with a virtual thread per task (named {@code prefix} and a count), or null where virtual threads
     * are not to be had: the caller then keeps its own pool.
     */
    public static ExecutorService perTaskOrNull(String prefix) {
        if (OF_VIRTUAL == null) {
            return null;
        }
        ThreadFactory virtual = (ThreadFactory) invoke(FACTORY, invoke(NAME_COUNTED, invoke(OF_VIRTUAL, null), prefix, 1L));
        ThreadFactory factory = task -> virtual.newThread(tracked(task));
        return (ExecutorService) invoke(PER_TASK, null, factory);
    }

    private static Runnable tracked(Runnable task) {
        return () -> {
            Thread self = Thread.currentThread();
            LIVE.add(self);
            try {
                task.run();
            } finally {
                LIVE.remove(self);
            }
        };
    }

    private static Object invoke(Method method, Object target, Object... arguments) {
        try {
            return method.invoke(target, arguments);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("starting a virtual thread failed: " + e, e);
        }
    }
}
