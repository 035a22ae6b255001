package dev.sandgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hostile SFTP server's threads end with their channel, and all of them with the gateway, even mid-write. */
@Timeout(60)
class HostileSftpLifecycleTest {
    private static final int OPEN = 3;
    private static final int READ = 5;
    private static final int STAT = 17;

    private static List<String> hostileThreads(String sessionId) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("hostile-sftp-" + sessionId)).collect(Collectors.toList());
    }

    private static boolean noneWithin(String sessionId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!hostileThreads(sessionId).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Test
    void aChannelsThreadEndsWithTheChannel() throws Exception {
        try (LocalGateway gateway = LocalGateway.start(); SftpSessions sessions = new SftpSessions(gateway)) {
            String sessionId = SftpSessions.newSession(gateway);
            gateway.serveHostileSftp(sessionId, SftpFault.unanswered(SftpFault.Request.STAT));
            try (ClientSession session = sessions.login(sessionId)) {
                try (SftpSessions.Raw raw = new SftpSessions.Raw(session)) {
                    raw.init();
                    raw.request(STAT, ".");
                    assertEquals(1, hostileThreads(sessionId).size());
                }
                assertTrue(noneWithin(sessionId, SftpSessions.TIMEOUT), "left: " + hostileThreads(sessionId));
                assertTrue(session.isOpen());
            }
        }
    }

    @Test
    void closingTheGatewayEndsThemAllEvenBlockedOnAFullWindow() throws Exception {
        String sessionId;
        try (SftpSessions sessions = new SftpSessions(null)) {
            LocalGateway gateway = LocalGateway.start();
            try {
                sessionId = SftpSessions.newSession(gateway);
                gateway.serveHostileSftp(sessionId, SftpFault.endlessFile(".", "endless", 1),
                        SftpFault.readLimit(1 << 20), SftpFault.unanswered(SftpFault.Request.STAT));
                ClientSession session = sessions.login(gateway, sessionId);
                SftpSessions.Raw silent = new SftpSessions.Raw(session);
                silent.init();
                silent.request(STAT, ".");
                SftpSessions.Raw flooded = new SftpSessions.Raw(session);
                flooded.init();
                int open = flooded.request(OPEN, "endless", 1, 0);
                java.nio.ByteBuffer reply = flooded.packet();
                assertEquals(102, reply.get());
                assertEquals(open, reply.getInt());
                String handle = SftpSessions.Raw.string(reply);
                // 64 MiB of answers that nobody reads: the server's writes wait for window space that never comes
                for (int i = 0; i < 64; i++) {
                    flooded.request(READ, handle, (long) i << 20, 1 << 20);
                }
                Thread.sleep(300);
                assertEquals(2, hostileThreads(sessionId).size());
            } finally {
                gateway.close();
            }
            assertTrue(noneWithin(sessionId, SftpSessions.TIMEOUT), "left: " + hostileThreads(sessionId));
        }
    }
}
