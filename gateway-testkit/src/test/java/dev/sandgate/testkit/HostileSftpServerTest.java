package dev.sandgate.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hostile SFTP server really misbehaves as each {@link SftpFault} says, and otherwise serves the session's
 * directory well enough for MINA's own SFTP client. Each test has its own session.
 */
@Timeout(60)
class HostileSftpServerTest {
    @RegisterExtension
    static final LocalGatewayExtension GATEWAY = new LocalGatewayExtension();

    private static final int READ = 5;
    private static final int OPENDIR = 11;
    private static final int READDIR = 12;
    private static final int STAT = 17;
    private static final int OPEN = 3;
    private static final int EXTENDED = 200;
    private static final int EXTENDED_REPLY = 201;
    private static final int STATUS = 101;
    private static final int HANDLE = 102;
    private static final int DATA = 103;
    private static final int NAME = 104;
    private static final int ATTRS = 105;

    private static SftpSessions sessions;
    private String sessionId;
    private Path directory;

    @BeforeAll
    static void startClient() {
        sessions = new SftpSessions(GATEWAY.gateway());
    }

    @AfterAll
    static void stopClient() {
        sessions.close();
    }

    @BeforeEach
    void newSession() throws Exception {
        sessionId = SftpSessions.newSession(GATEWAY.gateway());
        directory = GATEWAY.gateway().sessionDirectory(sessionId);
    }

    private void serve(SftpFault... faults) {
        GATEWAY.gateway().serveHostileSftp(sessionId, faults);
    }

    /** The handle the answer to request {@code id} gives. */
    private static String handle(SftpSessions.Raw raw, int id) throws java.io.IOException {
        ByteBuffer reply = raw.packet();
        assertEquals(HANDLE, reply.get() & 0xff, "a HANDLE reply");
        assertEquals(id, reply.getInt());
        return SftpSessions.Raw.string(reply);
    }

    private static byte[] readAll(SftpClient sftp, String path, int limit) throws Exception {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (SftpClient.CloseableHandle file = sftp.open(path)) {
            byte[] buffer = new byte[32 * 1024];
            int count;
            while ((count = sftp.read(file, all.size(), buffer, 0, buffer.length)) > 0) {
                all.write(buffer, 0, count);
                if (all.size() > limit) {
                    break;
                }
            }
        }
        return all.toByteArray();
    }

    @Nested
    class ServesTheSessionFaithfully {
        @Test
        void forMinasClient() throws Exception {
            serve();
            try (ClientSession session = sessions.login(sessionId); SftpClient sftp = SftpSessions.sftp(session)) {
                assertEquals(directory.toAbsolutePath().toString(), sftp.canonicalPath("."));
                sftp.mkdir("work");
                byte[] content = new byte[300_000];
                new java.util.Random(7).nextBytes(content);
                try (SftpClient.CloseableHandle file = sftp.open("work/a.bin", SftpClient.OpenMode.Write,
                        SftpClient.OpenMode.Create, SftpClient.OpenMode.Truncate)) {
                    sftp.write(file, 0, content, 0, 200_000);
                    sftp.write(file, 200_000, content, 200_000, 100_000);
                }
                assertArrayEquals(content, Files.readAllBytes(directory.resolve("work/a.bin")));
                assertArrayEquals(content, readAll(sftp, "work/a.bin", 1 << 20));
                assertEquals(300_000, sftp.stat("work/a.bin").getSize());
                assertTrue(sftp.stat("work").isDirectory());

                SftpClient.Attributes mode = new SftpClient.Attributes();
                mode.setPermissions(0600);
                sftp.setStat("work/a.bin", mode);
                assertEquals(0600, sftp.stat("work/a.bin").getPermissions() & 07777);

                List<String> names = new ArrayList<>();
                sftp.readDir("work").forEach(entry -> names.add(entry.getFilename()));
                assertEquals(List.of(".", "..", "a.bin"), names.stream().sorted().collect(java.util.stream.Collectors.toList()));

                sftp.rename("work/a.bin", "work/b.bin");
                assertTrue(Files.exists(directory.resolve("work/b.bin")));
                sftp.remove("work/b.bin");
                sftp.rmdir("work");
                assertFalse(Files.exists(directory.resolve("work")));
            }
        }

        @Test
        void withinTheSessionsDirectoryOnly() throws Exception {
            serve();
            try (ClientSession session = sessions.login(sessionId); SftpClient sftp = SftpSessions.sftp(session)) {
                SftpException refused = assertThrows(SftpException.class, () -> sftp.stat("/etc/hostname"));
                assertEquals(3, refused.getStatus(), "SSH_FX_PERMISSION_DENIED");
                assertThrows(SftpException.class, () -> sftp.open("../escape.txt", SftpClient.OpenMode.Write,
                        SftpClient.OpenMode.Create));
                assertFalse(Files.exists(directory.resolveSibling("escape.txt")));
            }
        }

        @Test
        void answeringUnknownRequestsOpUnsupported() throws Exception {
            serve();
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                raw.init();
                int id = raw.request(19, "some-link");
                ByteBuffer reply = raw.packet();
                assertEquals(STATUS, reply.get());
                assertEquals(id, reply.getInt());
                assertEquals(8, reply.getInt(), "SSH_FX_OP_UNSUPPORTED");
            }
        }

        @Test
        void readingNoRequestLongerThanItsBound() throws Exception {
            serve();
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                raw.init();
                raw.sendRaw(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 17, 0, 0, 0, 1});
                assertTrue(raw.closedWithin(SftpSessions.TIMEOUT), "a 2 GiB request ends the channel");
                assertTrue(session.isOpen(), "the SSH connection stays");
            }
        }
    }

    @Nested
    class EscapingNames {
        private final String eleven = "../".repeat(11) + "tmp/sandgate-hostile-victim.txt";
        private final byte[] payload = "pwned\n".getBytes(UTF_8);

        @Test
        void areListedAsTheServerChoseThem() throws Exception {
            List<String> hostile = List.of("../../victim.txt", "a/b", "", ".", "..", "nul\0name", eleven,
                    "\u001b]0;pwned\u0007", "ok\rall good, nothing skipped");
            List<SftpFault> faults = new ArrayList<>();
            for (String name : hostile) {
                faults.add(SftpFault.file("dir", name, payload, 04755));
            }
            faults.add(SftpFault.directory("dir", "../../evildir", 0777));
            serve(faults.toArray(new SftpFault[0]));
            Files.createDirectories(directory.resolve("dir"));
            Files.writeString(directory.resolve("dir/real.txt"), "real");
            try (ClientSession session = sessions.login(sessionId); SftpClient sftp = SftpSessions.sftp(session)) {
                Map<String, SftpClient.Attributes> listed = new HashMap<>();
                List<String> names = new ArrayList<>();
                sftp.readDir("dir").forEach(entry -> {
                    names.add(entry.getFilename());
                    listed.put(entry.getFilename(), entry.getAttributes());
                });
                for (String name : hostile) {
                    assertTrue(names.contains(name), "listed: " + name.replace("\u001b", "ESC"));
                }
                assertTrue(names.contains("real.txt"));
                assertTrue(names.contains("../../evildir"));
                assertEquals(04755, listed.get("../../victim.txt").getPermissions() & 07777);
                assertEquals(payload.length, listed.get("../../victim.txt").getSize());
                assertTrue(listed.get("../../evildir").isDirectory());
            }
        }

        @Test
        void serveTheirContentAtThePathsTheyName() throws Exception {
            serve(SftpFault.file("dir", "../../victim.txt", payload, 04755),
                    SftpFault.file("dir", eleven, payload, 0644),
                    SftpFault.file("dir", "a/b", payload, 0644),
                    SftpFault.directory("dir", "../../evildir", 0777),
                    SftpFault.file("dir/../../evildir", "inside", payload, 0600));
            Files.createDirectories(directory.resolve("dir"));
            try (ClientSession session = sessions.login(sessionId); SftpClient sftp = SftpSessions.sftp(session)) {
                assertArrayEquals(payload, readAll(sftp, "dir/../../victim.txt", 100));
                String home = directory.toAbsolutePath().toString();
                assertArrayEquals(payload, readAll(sftp, Path.of(home).getParent().resolve("victim.txt").toString(), 100),
                        "the normalised path serves it too");
                assertEquals(04755, sftp.stat("dir/../../victim.txt").getPermissions() & 07777);
                assertArrayEquals(payload, readAll(sftp, "dir/" + eleven, 100));
                assertArrayEquals(payload, readAll(sftp, "/tmp/sandgate-hostile-victim.txt", 100));
                assertArrayEquals(payload, readAll(sftp, "dir/a/b", 100));
                assertTrue(sftp.stat("dir/../../evildir").isDirectory());
                List<String> inside = new ArrayList<>();
                sftp.readDir("dir/../../evildir").forEach(entry -> inside.add(entry.getFilename()));
                assertEquals(List.of("inside"), inside);
                assertFalse(Files.exists(Path.of("/tmp/sandgate-hostile-victim.txt")), "nothing is written");
            }
        }
    }

    @Nested
    class FilesThatDoNotEnd {
        @Test
        void anEndlessFileListedSmallNeverReachesEof() throws Exception {
            serve(SftpFault.endlessFile(".", "big.bin", 1024));
            try (ClientSession session = sessions.login(sessionId); SftpClient sftp = SftpSessions.sftp(session)) {
                assertEquals(1024, sftp.stat("big.bin").getSize());
                byte[] read = readAll(sftp, "big.bin", 8 << 20);
                assertTrue(read.length > 8 << 20, "8 MiB and going");
                assertEquals('a' + (1_000_000 % 26), read[1_000_000]);
                try (SftpClient.CloseableHandle file = sftp.open("big.bin")) {
                    assertEquals(16, sftp.read(file, 1L << 40, new byte[16], 0, 16), "data a TiB in");
                }
            }
        }

        @Test
        void aGrowingFileGivesMoreThanListedThenEnds() throws Exception {
            serve(SftpFault.growingFile("dir", "log.txt", 1000, 250_000));
            try (ClientSession session = sessions.login(sessionId); SftpClient sftp = SftpSessions.sftp(session)) {
                assertEquals(1000, sftp.stat("dir/log.txt").getSize());
                assertEquals(250_000, readAll(sftp, "dir/log.txt", 1 << 20).length);
            }
        }
    }

    @Nested
    class Listings {
        @Test
        void generatedEntriesAreListedInFull() throws Exception {
            serve(SftpFault.generatedEntries("many", 2_500));
            try (ClientSession session = sessions.login(sessionId); SftpClient sftp = SftpSessions.sftp(session)) {
                assertTrue(sftp.stat("many").isDirectory(), "a directory named by a fault exists");
                List<String> names = new ArrayList<>();
                sftp.readDir("many").forEach(entry -> names.add(entry.getFilename()));
                assertEquals(2_500, names.size());
                assertEquals("entry-0000002499", names.get(2_499));
                assertEquals(0, sftp.stat("many/entry-0000001234").getSize());
            }
        }

        @Test
        void threeMillionEntriesComeBatchByBatch() throws Exception {
            serve(SftpFault.generatedEntries(".", 3_000_000));
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                raw.init();
                String handle = handle(raw, raw.request(OPENDIR, "."));
                long entries = 0;
                for (int batch = 0; batch < 50; batch++) {
                    int id = raw.request(READDIR, handle);
                    ByteBuffer reply = raw.packet();
                    assertEquals(NAME, reply.get());
                    assertEquals(id, reply.getInt());
                    entries += reply.getInt();
                }
                assertEquals(50 * 100, entries, "the real '.' and '..' and then generated ones, 100 a batch");
            }
        }

        @Test
        void anEndlessListingNeverEnds() throws Exception {
            serve(SftpFault.endlessListing("dir"));
            try (ClientSession session = sessions.login(sessionId); SftpClient sftp = SftpSessions.sftp(session)) {
                int seen = 0;
                for (SftpClient.DirEntry entry : sftp.readDir("dir")) {
                    if (++seen == 20_000) {
                        break;
                    }
                }
                assertEquals(20_000, seen);
            }
        }
    }

    @Nested
    class LyingLengths {
        private ByteBuffer readReplyOf(String path) throws Exception {
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                raw.init();
                String handle = handle(raw, raw.request(OPEN, path, 1, 0));
                raw.request(READ, handle, 0L, 32_768);
                return raw.packet();
            }
        }

        @Test
        void aDataLengthOf2GiBInASmallPacket() throws Exception {
            Files.writeString(directory.resolve("lie.bin"), "0123456789".repeat(100));
            serve(SftpFault.lyingDataLength(0x8000_0000L).onPath("lie.bin"));
            ByteBuffer reply = readReplyOf("lie.bin");
            assertEquals(DATA, reply.get());
            reply.getInt();
            assertEquals(0x8000_0000, reply.getInt());
            assertEquals(8, reply.remaining(), "only a few bytes follow");
        }

        @Test
        void aNegativeDataLength() throws Exception {
            serve(SftpFault.endlessFile(".", "big.bin", 10), SftpFault.lyingDataLength(0xFFFF_FFF0L));
            ByteBuffer reply = readReplyOf("big.bin");
            assertEquals(DATA, reply.get());
            reply.getInt();
            assertEquals(-16, reply.getInt());
        }

        @Test
        void onlyOnThePathNamed() throws Exception {
            Files.writeString(directory.resolve("true.bin"), "truth");
            serve(SftpFault.lyingDataLength(0x8000_0000L).onPath("lie.bin"));
            ByteBuffer reply = readReplyOf("true.bin");
            assertEquals(DATA, reply.get());
            reply.getInt();
            assertEquals("truth", SftpSessions.Raw.string(reply));
        }

        @Test
        void aNameCountOf2To31Minus1() throws Exception {
            serve(SftpFault.generatedEntries("dir", 10), SftpFault.lyingNameCount(0x7FFF_FFFFL).onPath("dir"));
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                raw.init();
                String handle = handle(raw, raw.request(OPENDIR, "dir"));
                raw.request(READDIR, handle);
                ByteBuffer reply = raw.packet();
                assertEquals(NAME, reply.get());
                reply.getInt();
                assertEquals(0x7FFF_FFFF, reply.getInt());
                assertEquals("entry-0000000000", SftpSessions.Raw.string(reply));
                SftpSessions.Raw.string(reply);
                reply.getInt();
                reply.position(reply.limit());
                assertTrue(reply.remaining() < 200, "one entry follows");
            }
        }

        @Test
        void aPacketLengthOf2GiB() throws Exception {
            serve(SftpFault.lyingPacketLength(0x7FFF_FFFFL, SftpFault.Request.STAT));
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                raw.init();
                int id = raw.request(STAT, ".");
                assertEquals(0x7FFF_FFFF, ByteBuffer.wrap(raw.bytes(4, SftpSessions.TIMEOUT)).getInt());
                ByteBuffer rest = ByteBuffer.wrap(raw.bytes(5, SftpSessions.TIMEOUT));
                assertEquals(ATTRS, rest.get());
                assertEquals(id, rest.getInt());
                assertTrue(raw.arrivedWithin(Duration.ofMillis(300)) < 100, "only the true small answer follows");
            }
        }
    }

    @Nested
    class Silence {
        @Test
        void chosenRequestsAreNeverAnsweredWhileOthersAre() throws Exception {
            Files.writeString(directory.resolve("a.txt"), "a");
            serve(SftpFault.unanswered(SftpFault.Request.READ, SftpFault.Request.OPENDIR));
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                raw.init();
                String handle = handle(raw, raw.request(OPEN, "a.txt", 1, 0));
                raw.request(READ, handle, 0L, 100);
                raw.request(OPENDIR, ".");
                int stat = raw.request(STAT, "a.txt");
                ByteBuffer reply = raw.packet();
                assertEquals(ATTRS, reply.get());
                assertEquals(stat, reply.getInt(), "the first answer is the STAT's: the READ and OPENDIR had none");
                assertEquals(0, raw.arrivedWithin(Duration.ofMillis(500)));
                assertTrue(session.isOpen());
                // the SSH layer still answers: a new channel opens and works
                try (SftpClient sftp = SftpSessions.sftp(session)) {
                    assertEquals(1, sftp.stat("a.txt").getSize());
                }
            }
        }

        @Test
        void evenTheInit() throws Exception {
            serve(SftpFault.unanswered(SftpFault.Request.INIT));
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                assertThrows(java.io.IOException.class, raw::init, "no VERSION");
                assertTrue(session.isOpen());
            }
        }

        @Test
        void onlyOnThePathNamed() throws Exception {
            Files.writeString(directory.resolve("a.txt"), "a");
            serve(SftpFault.unanswered(SftpFault.Request.STAT).onPath("b.txt"));
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                raw.init();
                raw.request(STAT, "b.txt");
                int id = raw.request(STAT, "a.txt");
                ByteBuffer reply = raw.packet();
                assertEquals(ATTRS, reply.get());
                assertEquals(id, reply.getInt());
            }
        }
    }

    @Nested
    class Announcements {
        @Test
        void aReadLimitOf256KiBIsAnnouncedAndHonoured() throws Exception {
            byte[] content = new byte[1 << 20];
            Files.write(directory.resolve("large.bin"), content);
            serve(SftpFault.readLimit(256 * 1024), SftpFault.announce("posix-rename@openssh.com", "1"));
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                ByteBuffer version = raw.init();
                assertEquals(2, version.get());
                assertEquals(3, version.getInt());
                assertEquals("limits@openssh.com", SftpSessions.Raw.string(version));
                assertEquals("1", SftpSessions.Raw.string(version));
                assertEquals("posix-rename@openssh.com", SftpSessions.Raw.string(version));
                assertEquals("1", SftpSessions.Raw.string(version));

                raw.request(EXTENDED, "limits@openssh.com");
                ByteBuffer limits = raw.packet();
                assertEquals(EXTENDED_REPLY, limits.get() & 0xff);
                limits.getInt(); // id
                assertEquals(256 * 1024 + 1024, limits.getLong(), "max-packet-length");
                assertEquals(256 * 1024, limits.getLong(), "max-read-length");

                String handle = handle(raw, raw.request(OPEN, "large.bin", 1, 0));
                raw.request(READ, handle, 0L, 1 << 20);
                ByteBuffer reply = raw.packet();
                assertEquals(262_153, reply.limit(), "the DATA packet of a 256 KiB read");
                reply.get();
                reply.getInt();
                assertEquals(256 * 1024, reply.getInt());
            }
        }

        @Test
        void withoutALimitReadsStopAtOpenSshs() throws Exception {
            Files.write(directory.resolve("large.bin"), new byte[1 << 20]);
            serve();
            try (ClientSession session = sessions.login(sessionId); SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                ByteBuffer version = raw.init();
                assertEquals(5, version.remaining(), "no extensions");
                String handle = handle(raw, raw.request(OPEN, "large.bin", 1, 0));
                raw.request(READ, handle, 0L, 1 << 20);
                ByteBuffer reply = raw.packet();
                reply.get();
                reply.getInt();
                assertEquals(261_120, reply.getInt());
            }
        }
    }

    @Test
    void theStandardServerComesBack() throws Exception {
        serve(SftpFault.unanswered(SftpFault.Request.STAT));
        GATEWAY.gateway().serveStandardSftp(sessionId);
        try (ClientSession session = sessions.login(sessionId); SftpClient sftp = SftpSessions.sftp(session)) {
            assertTrue(sftp.stat(".").isDirectory());
            assertTrue(sftp.getServerExtensions().containsKey("versions"), "MINA's server announces its versions");
        }
    }
}
