package dev.sandgate.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * For tests of a session's SFTP server: a MINA client logged in to a session's test port with a certificate from the
 * gateway's user CA, giving MINA's {@link SftpClient} or a {@link Raw} channel that sends and reads SFTP packets
 * byte for byte. Every wait has a timeout.
 */
final class SftpSessions implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SshClient client;
    private final LocalGateway gateway;

    SftpSessions(LocalGateway gateway) {
        this.gateway = gateway;
        client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
    }

    /** Creates a sandbox session through the gateway's REST API; returns its id. */
    static String newSession(LocalGateway gateway) throws Exception {
        java.net.http.HttpResponse<String> created = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway.apiUrl() + "/sessions"))
                        .header("Authorization", "Bearer " + gateway.token())
                        .timeout(TIMEOUT)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"ttl\":600}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating a session: " + created.statusCode() + " " + created.body());
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body()).get("session_id").asText();
    }

    /** A logged-in SSH session to the sandbox session's SSH server. */
    ClientSession login(String sessionId) throws Exception {
        return login(gateway, sessionId);
    }

    /** A logged-in SSH session to a session's SSH server of this gateway. */
    ClientSession login(LocalGateway gateway, String sessionId) throws Exception {
        KeyPair keys = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Instant now = Instant.now();
        String line = gateway.signUserCertificate(keys.getPublic(), List.of(sessionId), now.minusSeconds(60),
                now.plusSeconds(600));
        PublicKey certificate = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, null);
        ClientSession session = client.connect(gateway.sshUsername(), "127.0.0.1", gateway.sshPortForTests(sessionId))
                .verify(TIMEOUT).getSession();
        session.addPublicKeyIdentity(new KeyPair(certificate, keys.getPrivate()));
        session.auth().verify(TIMEOUT);
        return session;
    }

    static SftpClient sftp(ClientSession session) throws IOException {
        return SftpClientFactory.instance().createSftpClient(session);
    }

    @Override
    public void close() {
        client.stop();
    }

    /** An SFTP channel spoken to byte for byte. */
    static final class Raw implements AutoCloseable {
        private final ChannelSubsystem channel;
        private final OutputStream out;
        private final InputStream in;
        private int nextId = 1;

        Raw(ClientSession session) throws IOException {
            channel = session.createSubsystemChannel("sftp");
            channel.open().verify(TIMEOUT);
            out = channel.getInvertedIn();
            in = channel.getInvertedOut();
        }

        /** Sends INIT for version 3 and returns the VERSION packet's body (which must come within 2 s). */
        ByteBuffer init() throws IOException {
            send(ByteBuffer.allocate(5).put((byte) 1).putInt(3));
            int length = ByteBuffer.wrap(bytes(4, Duration.ofSeconds(2))).getInt();
            if (length < 5 || length > 64 * 1024) {
                throw new IOException("a VERSION packet claims " + (length & 0xFFFF_FFFFL) + " bytes");
            }
            return ByteBuffer.wrap(bytes(length, TIMEOUT));
        }

        /** Sends a request of this type with a fresh id followed by these fields (String, byte[], Integer, Long). */
        int request(int type, Object... fields) throws IOException {
            int id = nextId++;
            ByteBuffer body = ByteBuffer.allocate(64 * 1024).put((byte) type).putInt(id);
            for (Object field : fields) {
                if (field instanceof String) {
                    byte[] bytes = ((String) field).getBytes(StandardCharsets.UTF_8);
                    body.putInt(bytes.length).put(bytes);
                } else if (field instanceof byte[]) {
                    body.putInt(((byte[]) field).length).put((byte[]) field);
                } else if (field instanceof Integer) {
                    body.putInt((Integer) field);
                } else {
                    body.putLong((Long) field);
                }
            }
            send(body);
            return id;
        }

        /** Sends these bytes as they are. */
        void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        private void send(ByteBuffer body) throws IOException {
            body.flip();
            byte[] packet = new byte[4 + body.remaining()];
            ByteBuffer.wrap(packet).putInt(body.remaining()).put(body);
            sendRaw(packet);
        }

        /** The next packet's body, whose length field must be true and at most 1 MiB. */
        ByteBuffer packet() throws IOException {
            int length = ByteBuffer.wrap(bytes(4, TIMEOUT)).getInt();
            if (length < 1 || length > 1 << 20) {
                throw new IOException("a packet claims " + (length & 0xFFFF_FFFFL) + " bytes");
            }
            return ByteBuffer.wrap(bytes(length, TIMEOUT));
        }

        /** Exactly {@code count} bytes that arrive within {@code timeout}, else an exception. */
        byte[] bytes(int count, Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (in.available() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no " + count + " bytes within " + timeout + " (" + in.available()
                            + " arrived)");
                }
                sleep();
            }
            return in.readNBytes(count);
        }

        /** How many bytes arrived within this time, waiting it out. */
        int arrivedWithin(Duration time) throws IOException {
            long deadline = System.nanoTime() + time.toNanos();
            while (System.nanoTime() < deadline) {
                sleep();
            }
            return in.available();
        }

        /** Whether the server closed the channel within the timeout. */
        boolean closedWithin(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (channel.isClosing() || channel.isClosed()) {
                    return true;
                }
                sleep();
            }
            return false;
        }

        private static void sleep() {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Reads an SFTP string from the buffer, as UTF-8. */
        static String string(ByteBuffer packet) {
            byte[] bytes = new byte[packet.getInt()];
            packet.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            channel.close(false).await(TIMEOUT);
        }
    }
}
