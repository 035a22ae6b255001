package dev.sandgate.sftp.internal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sandgate.sftp.internal.DirectoryLister.Snapshot;

class PollingWatchServiceTest {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    @TempDir
    Path temp;

    private final List<PollingWatchService> services = new ArrayList<>();

    @AfterEach
    void closeServices() {
        services.forEach(PollingWatchService::close);
    }

    /** The default file system's listing, as the SFTP file system will give it from one READDIR. */
    static Map<Path, Snapshot> list(Path dir) throws IOException {
        Map<Path, Snapshot> entries = new HashMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                try {
                    BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    entries.put(child, new Snapshot(a.size(), a.lastModifiedTime().toMillis(), a.isDirectory()));
                } catch (NoSuchFileException gone) {
                    // deleted between the listing and the stat
                }
            }
        }
        return entries;
    }

    PollingWatchService service() {
        return service(PollingWatchServiceTest::list);
    }

    PollingWatchService service(DirectoryLister lister) {
        PollingWatchService service = new PollingWatchService(INTERVAL, lister);
        services.add(service);
        return service;
    }

    static WatchEvent.Kind<?>[] kinds(WatchEvent.Kind<?>... kinds) {
        return kinds;
    }

    /** Waits (bounded) for the key and returns its events, resetting it. */
    static List<WatchEvent<?>> nextEvents(PollingWatchService service, WatchKey expected) throws InterruptedException {
        WatchKey key = service.poll(5, SECONDS);
        assertNotNull(key, "no key signalled within 5 s");
        assertSame(expected, key);
        List<WatchEvent<?>> events = key.pollEvents();
        key.reset();
        return events;
    }

    /** Collects events until one of {@code kind} for {@code name} arrives (each wait bounded). */
    static List<WatchEvent<?>> eventsUntil(PollingWatchService service, WatchKey key, WatchEvent.Kind<?> kind,
            String name) throws InterruptedException {
        List<WatchEvent<?>> all = new ArrayList<>();
        for (int round = 0; round < 50; round++) {
            List<WatchEvent<?>> events = nextEvents(service, key);
            all.addAll(events);
            for (WatchEvent<?> event : events) {
                if (event.kind() == kind && Path.of(name).equals(event.context())) {
                    return all;
                }
            }
        }
        return fail("no " + kind + " of " + name + " in " + all);
    }

    static List<String> watchThreads() {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith("sandgate-watch")) {
                names.add(thread.getName());
            }
        }
        return names;
    }

    /** A lister whose answers the test sets, and whose rounds the test can wait for. */
    static final class ScriptedLister implements DirectoryLister {
        final AtomicReference<Map<Path, Snapshot>> entries = new AtomicReference<>(Map.of());
        final AtomicReference<IOException> failure = new AtomicReference<>();
        final Semaphore calls = new Semaphore(0);
        final List<String> threadNames = new CopyOnWriteArrayList<>();

        @Override
        public Map<Path, Snapshot> list(Path directory) throws IOException {
            threadNames.add(Thread.currentThread().getName());
            calls.release();
            IOException e = failure.get();
            if (e != null) {
                throw e;
            }
            return entries.get();
        }

        /** Waits until the poller has listed twice more: the first of them saw the latest answer in full. */
        void awaitRounds() throws InterruptedException {
            calls.drainPermits();
            assertTrue(calls.tryAcquire(2, 5, SECONDS), "the poller did not list twice within 5 s");
        }
    }

    @Nested
    class Reporting {
        @Test
        void aCreatedFile() throws Exception {
            PollingWatchService service = service();
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));

            Files.writeString(temp.resolve("new.txt"), "x");

            List<WatchEvent<?>> events = nextEvents(service, key);
            assertEquals(1, events.size(), events.toString());
            WatchEvent<?> event = events.get(0);
            assertEquals(ENTRY_CREATE, event.kind());
            assertEquals(Path.of("new.txt"), event.context());
            assertInstanceOf(Path.class, event.context());
            assertSame(temp.getFileSystem(), ((Path) event.context()).getFileSystem());
            assertEquals(1, event.count());
            assertTrue(Files.exists(((Path) key.watchable()).resolve((Path) event.context())));
        }

        @Test
        void aModifiedFileBySizeAndByTime() throws Exception {
            Path file = Files.writeString(temp.resolve("a.txt"), "x");
            Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));
            PollingWatchService service = service();
            WatchKey key = service.register(temp, kinds(ENTRY_MODIFY));

            Files.writeString(file, "longer");
            Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));
            List<WatchEvent<?>> bySize = nextEvents(service, key);
            assertEquals(ENTRY_MODIFY, bySize.get(0).kind());
            assertEquals(Path.of("a.txt"), bySize.get(0).context());

            Files.setLastModifiedTime(file, FileTime.fromMillis(1_100_000_000_000L));
            List<WatchEvent<?>> byTime = nextEvents(service, key);
            assertEquals(ENTRY_MODIFY, byTime.get(0).kind());
            assertEquals(Path.of("a.txt"), byTime.get(0).context());
        }

        @Test
        void aDeletedFile() throws Exception {
            Path file = Files.writeString(temp.resolve("gone.txt"), "x");
            PollingWatchService service = service();
            WatchKey key = service.register(temp, kinds(ENTRY_DELETE));

            Files.delete(file);

            List<WatchEvent<?>> events = nextEvents(service, key);
            assertEquals(1, events.size());
            assertEquals(ENTRY_DELETE, events.get(0).kind());
            assertEquals(Path.of("gone.txt"), events.get(0).context());
        }

        @Test
        void onlyTheRegisteredKinds() throws Exception {
            Path modified = Files.writeString(temp.resolve("modified.txt"), "x");
            Path deleted = Files.writeString(temp.resolve("deleted.txt"), "x");
            PollingWatchService service = service();
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));

            Files.writeString(modified, "changed size");
            Files.delete(deleted);
            Files.writeString(temp.resolve("marker.txt"), "x");

            // any round that sees the marker also sees the earlier change and deletion
            List<WatchEvent<?>> events = eventsUntil(service, key, ENTRY_CREATE, "marker.txt");
            for (WatchEvent<?> event : events) {
                assertEquals(ENTRY_CREATE, event.kind(), events.toString());
            }
        }

        @Test
        void registeringAgainReturnsTheSameKeyWithTheNewKinds() throws Exception {
            Path deleted = Files.writeString(temp.resolve("deleted.txt"), "x");
            PollingWatchService service = service();
            WatchKey first = service.register(temp, kinds(ENTRY_CREATE));

            WatchKey second = service.register(temp, kinds(ENTRY_DELETE));
            Files.writeString(temp.resolve("created.txt"), "x");
            Files.delete(deleted);

            assertSame(first, second);
            List<WatchEvent<?>> events = eventsUntil(service, second, ENTRY_DELETE, "deleted.txt");
            for (WatchEvent<?> event : events) {
                assertEquals(ENTRY_DELETE, event.kind(), events.toString());
            }
        }

        @Test
        void repeatedEventsAreCounted() throws Exception {
            ScriptedLister lister = new ScriptedLister();
            PollingWatchService service = service(lister);
            Path file = temp.resolve("a.txt");
            lister.entries.set(Map.of(file, new Snapshot(0, 1000, false)));
            WatchKey key = service.register(temp, kinds(ENTRY_MODIFY));

            lister.entries.set(Map.of(file, new Snapshot(1, 1000, false)));
            lister.awaitRounds();
            lister.entries.set(Map.of(file, new Snapshot(2, 1000, false)));
            lister.awaitRounds();

            List<WatchEvent<?>> events = nextEvents(service, key);
            assertEquals(1, events.size(), events.toString());
            assertEquals(2, events.get(0).count());
        }

        @Test
        void moreThan512EventsOverflow() throws Exception {
            ScriptedLister lister = new ScriptedLister();
            PollingWatchService service = service(lister);
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));
            Map<Path, Snapshot> many = new HashMap<>();
            for (int i = 0; i < 600; i++) {
                many.put(temp.resolve("f" + i), new Snapshot(0, 1000, false));
            }

            lister.entries.set(many);
            lister.awaitRounds();

            List<WatchEvent<?>> events = nextEvents(service, key);
            assertEquals(PollingWatchKey.MAX_EVENTS + 1, events.size());
            WatchEvent<?> last = events.get(events.size() - 1);
            assertEquals(OVERFLOW, last.kind());
            assertNull(last.context());
            assertEquals(600 - PollingWatchKey.MAX_EVENTS, last.count());
            assertTrue(events.subList(0, PollingWatchKey.MAX_EVENTS).stream().allMatch(e -> e.kind() == ENTRY_CREATE));
        }

        @Test
        void aFileReplacedByADirectoryIsDeletedAndCreated() throws Exception {
            ScriptedLister lister = new ScriptedLister();
            PollingWatchService service = service(lister);
            Path entry = temp.resolve("x");
            lister.entries.set(Map.of(entry, new Snapshot(10, 1000, false)));
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY));

            lister.entries.set(Map.of(entry, new Snapshot(4096, 1000, true)));

            List<WatchEvent<?>> events = nextEvents(service, key);
            assertEquals(List.of(ENTRY_DELETE, ENTRY_CREATE), events.stream().map(WatchEvent::kind).toList());
        }
    }

    @Nested
    class KeyStates {
        @Test
        void aResetKeyIsReadyAgainAndNotQueuedWithoutEvents() throws Exception {
            PollingWatchService service = service();
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));
            Files.writeString(temp.resolve("a"), "x");

            WatchKey signalled = service.poll(5, SECONDS);
            assertSame(key, signalled);
            assertFalse(key.pollEvents().isEmpty());
            assertTrue(key.reset());

            assertNull(service.poll(), "a ready key without events is not queued");
            assertTrue(key.isValid());
        }

        @Test
        void resettingAKeyWithPendingEventsQueuesItAgain() throws Exception {
            PollingWatchService service = service();
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));
            Files.writeString(temp.resolve("a"), "x");
            assertSame(key, service.poll(5, SECONDS));

            assertTrue(key.reset());

            assertSame(key, service.poll(), "requeued at once because its events are still pending");
            assertEquals(Path.of("a"), key.pollEvents().get(0).context());
        }

        @Test
        void aSignalledKeyIsQueuedOnceWhileEventsKeepComing() throws Exception {
            PollingWatchService service = service();
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));
            Files.writeString(temp.resolve("a"), "x");
            assertSame(key, service.poll(5, SECONDS));

            Files.writeString(temp.resolve("b"), "x");
            Files.writeString(temp.resolve("c"), "x");
            List<WatchEvent<?>> events = new ArrayList<>();
            for (int i = 0; i < 100 && events.size() < 3; i++) {
                events.addAll(key.pollEvents());
                if (events.size() < 3) {
                    Thread.sleep(INTERVAL.toMillis());
                }
            }

            assertEquals(3, events.size(), events.toString());
            assertNull(service.poll(), "not queued again before reset()");
        }

        @Test
        void aCancelledKeyIsInvalidAndHearsNothing() throws Exception {
            PollingWatchService service = service();
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));

            key.cancel();
            Files.writeString(temp.resolve("a"), "x");

            assertFalse(key.isValid());
            assertFalse(key.reset());
            assertNull(service.poll(INTERVAL.toMillis() * 6, java.util.concurrent.TimeUnit.MILLISECONDS));
            key.cancel();
            WatchKey again = service.register(temp, kinds(ENTRY_CREATE));
            assertNotSame(key, again, "a cancelled key is not reused");
            assertTrue(again.isValid());
        }

        @Test
        void theDirectoryDeletedInvalidatesTheKey() throws Exception {
            Path dir = Files.createDirectory(temp.resolve("watched"));
            PollingWatchService service = service();
            WatchKey key = service.register(dir, kinds(ENTRY_CREATE));

            Files.delete(dir);

            assertSame(key, service.poll(5, SECONDS), "an invalidated key is signalled");
            assertFalse(key.isValid());
            assertEquals(List.of(), key.pollEvents());
            assertFalse(key.reset());
        }

        @Test
        void pendingEventsAreDeliveredBeforeTheKeyIsInvalid() throws Exception {
            ScriptedLister lister = new ScriptedLister();
            PollingWatchService service = service(lister);
            Path dir = temp.resolve("watched");
            lister.entries.set(Map.of(dir.resolve("a"), new Snapshot(1, 1000, false)));
            WatchKey key = service.register(dir, kinds(ENTRY_DELETE));

            lister.entries.set(Map.of());
            lister.awaitRounds();
            lister.failure.set(new NoSuchFileException(dir.toString()));
            // an invalid key is listed no more, so wait for the invalidation itself (bounded)
            for (int i = 0; i < 500 && key.isValid(); i++) {
                Thread.sleep(10);
            }

            assertSame(key, service.poll(5, SECONDS));
            assertFalse(key.isValid());
            List<WatchEvent<?>> events = key.pollEvents();
            assertEquals(1, events.size());
            assertEquals(ENTRY_DELETE, events.get(0).kind());
            assertEquals(Path.of("a"), events.get(0).context());
            assertFalse(key.reset());
            assertNull(service.poll(), "queued once");
        }
    }

    @Nested
    class Registering {
        @Test
        void refusesUnsupportedKindsModifiersAndNoKinds() {
            PollingWatchService service = service();
            WatchEvent.Kind<?> other = new WatchEvent.Kind<Path>() {
                @Override
                public String name() {
                    return "OTHER";
                }

                @Override
                public Class<Path> type() {
                    return Path.class;
                }
            };
            WatchEvent.Modifier modifier = () -> "FAST";

            assertThrows(UnsupportedOperationException.class, () -> service.register(temp, kinds(other)));
            assertThrows(UnsupportedOperationException.class,
                    () -> service.register(temp, kinds(ENTRY_CREATE), modifier));
            assertThrows(IllegalArgumentException.class, () -> service.register(temp, kinds()));
            assertThrows(IllegalArgumentException.class, () -> service.register(temp, kinds(OVERFLOW)));
        }

        @Test
        void aMissingDirectoryFailsAtOnce() {
            PollingWatchService service = service();
            assertThrows(NoSuchFileException.class,
                    () -> service.register(temp.resolve("missing"), kinds(ENTRY_CREATE)));
        }

        @Test
        void refusesABadInterval() {
            assertThrows(IllegalArgumentException.class,
                    () -> new PollingWatchService(Duration.ZERO, PollingWatchServiceTest::list));
            assertThrows(IllegalArgumentException.class,
                    () -> new PollingWatchService(Duration.ofMillis(-1), PollingWatchServiceTest::list));
            assertThrows(NullPointerException.class, () -> new PollingWatchService(INTERVAL, null));
        }

        @Test
        void startsOnePollerOnTheFirstRegistration() throws Exception {
            AtomicInteger made = new AtomicInteger();
            List<Thread> threads = new CopyOnWriteArrayList<>();
            PollingWatchService service = new PollingWatchService(INTERVAL, PollingWatchServiceTest::list, task -> {
                made.incrementAndGet();
                Thread thread = new Thread(task, "sandgate-watch-test");
                threads.add(thread);
                return thread;
            });
            services.add(service);
            assertEquals(0, made.get());

            service.register(Files.createDirectory(temp.resolve("a")), kinds(ENTRY_CREATE));
            service.register(Files.createDirectory(temp.resolve("b")), kinds(ENTRY_CREATE));

            assertEquals(1, made.get());
            assertTrue(threads.get(0).isDaemon());
        }

        @Test
        void thePollerIsANamedDaemonThread() throws Exception {
            ScriptedLister lister = new ScriptedLister();
            PollingWatchService service = service(lister);
            service.register(temp, kinds(ENTRY_CREATE));

            lister.awaitRounds();

            String name = lister.threadNames.get(lister.threadNames.size() - 1);
            assertTrue(name.matches("sandgate-watch-\\d+"), name);
        }
    }

    @Nested
    class Failures {
        @Test
        void aListingThatFailsOnceIsSurvived() throws Exception {
            AtomicInteger calls = new AtomicInteger();
            PollingWatchService service = service(dir -> {
                if (calls.incrementAndGet() == 2) {
                    throw new IOException("the connection hiccuped");
                }
                return list(dir);
            });
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));

            Files.writeString(temp.resolve("after.txt"), "x");

            List<WatchEvent<?>> events = eventsUntil(service, key, ENTRY_CREATE, "after.txt");
            assertEquals(1, events.size());
            assertTrue(calls.get() > 2);
            assertTrue(key.isValid());
        }

        @Test
        void aListerThatThrowsARuntimeExceptionIsSurvived() throws Exception {
            AtomicInteger calls = new AtomicInteger();
            PollingWatchService service = service(dir -> {
                if (calls.incrementAndGet() == 2) {
                    throw new IllegalStateException("a bug in the lister");
                }
                return list(dir);
            });
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));

            Files.writeString(temp.resolve("after.txt"), "x");

            assertEquals(1, eventsUntil(service, key, ENTRY_CREATE, "after.txt").size());
        }
    }

    @Nested
    class Closing {
        @Test
        void wakesABlockedTake() throws Exception {
            PollingWatchService service = service();
            service.register(temp, kinds(ENTRY_CREATE));
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread taker = new Thread(() -> {
                try {
                    service.take();
                } catch (Throwable e) {
                    outcome.set(e);
                }
            }, "test-taker");
            taker.start();
            for (int i = 0; i < 500 && taker.getState() != Thread.State.WAITING; i++) {
                Thread.sleep(10);
            }
            assertEquals(Thread.State.WAITING, taker.getState());

            service.close();

            taker.join(5000);
            assertFalse(taker.isAlive());
            assertInstanceOf(ClosedWatchServiceException.class, outcome.get());
        }

        @Test
        void wakesEveryBlockedTaker() throws Exception {
            PollingWatchService service = service();
            List<Thread> takers = new ArrayList<>();
            Map<String, Throwable> outcomes = new ConcurrentHashMap<>();
            for (int i = 0; i < 3; i++) {
                Thread taker = new Thread(() -> {
                    try {
                        service.poll(30, SECONDS);
                    } catch (Throwable e) {
                        outcomes.put(Thread.currentThread().getName(), e);
                    }
                }, "test-taker-" + i);
                taker.start();
                takers.add(taker);
            }
            for (Thread taker : takers) {
                for (int i = 0; i < 500 && taker.getState() != Thread.State.TIMED_WAITING; i++) {
                    Thread.sleep(10);
                }
            }

            service.close();

            for (Thread taker : takers) {
                taker.join(5000);
                assertFalse(taker.isAlive());
            }
            assertEquals(3, outcomes.size());
            outcomes.values().forEach(e -> assertInstanceOf(ClosedWatchServiceException.class, e));
        }

        @Test
        void everythingAfterCloseThrowsAndCloseIsIdempotent() throws Exception {
            PollingWatchService service = service();
            WatchKey key = service.register(temp, kinds(ENTRY_CREATE));

            service.close();
            service.close();

            assertFalse(key.isValid());
            assertFalse(key.reset());
            assertThrows(ClosedWatchServiceException.class, service::poll);
            assertThrows(ClosedWatchServiceException.class, () -> service.poll(1, SECONDS));
            assertThrows(ClosedWatchServiceException.class, service::take);
            assertThrows(ClosedWatchServiceException.class, () -> service.register(temp, kinds(ENTRY_CREATE)));
        }

        @Test
        void endsThePollerThread() throws Exception {
            PollingWatchService service = service();
            service.register(temp, kinds(ENTRY_CREATE));
            assertFalse(watchThreads().isEmpty());

            service.close();

            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().startsWith("sandgate-watch")) {
                    thread.join(5000);
                }
            }
            assertEquals(List.of(), watchThreads());
        }
    }
}
