package dev.sandgate.sftp.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatExtensionInfo;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * One SFTP channel (protocol version 3, as OpenSSH speaks it) and the requests this file system sends on it. Every
 * failure leaves here as a {@code java.nio.file} exception naming the path.
 *
 * <p>MINA's client multiplexes requests by id, so many threads may use one channel at once.
 */
final class RemoteSftp implements Closeable {
    private static final int HEADER_ROOM = 4 + 1 + 4;

    private final BoundedSftpClient client;
    private final String sessionId;
    private final ServerExtensions extensions;
    private final ReopeningSftp owner;

    private RemoteSftp(BoundedSftpClient client, String sessionId, ReopeningSftp owner) {
        this.client = client;
        this.sessionId = sessionId;
        this.extensions = new ServerExtensions(client);
        this.owner = owner;
    }

    /**
     * Opens an SFTP channel whose every request waits at most {@code requestTimeout} for its answer; {@code owner}
     * re-opens the file system's channel after a reconnect and says what a loss means.
     */
    static RemoteSftp open(ClientSession session, String sessionId, Duration requestTimeout, ReopeningSftp owner)
            throws IOException {
        // the channel's open and the version exchange wait as long as any request (MINA reads it from the session)
        SftpModuleProperties.SFTP_CHANNEL_OPEN_TIMEOUT.set(session, requestTimeout);
        BoundedSftpClient client = new BoundedSftpClient(session,
                SftpVersionSelector.fixedVersionSelector(SftpConstants.SFTP_V3), requestTimeout);
        try {
            return new RemoteSftp(client, sessionId, owner);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    String sessionId() {
        return sessionId;
    }

    boolean isOpen() {
        return client.isOpen() && !client.isClosing() && client.getClientSession().isOpen();
    }

    /** What re-opens the file system's channel after a loss, and knows whether it can. */
    ReopeningSftp owner() {
        return owner;
    }

    /**
     * A request on a channel whose connection is gone fails here, before MINA is asked: as a loss naming the path and
     * saying whether the next call reconnects.
     */
    private void ensureUsable(SandgatePath path, SandgatePath other) throws FileSystemException {
        if (!isOpen()) {
            throw SftpErrors.lost(path == null ? null : path.toString(), other == null ? null : other.toString(),
                    this, null);
        }
    }

    /** What the server offers beyond SFTP version 3, and the request lengths it takes. */
    ServerExtensions extensions() {
        return extensions;
    }

    /** The most data one SSH message of the SFTP channel carries, as the server set it (0 if unknown). */
    long channelPacketSize() {
        try {
            return client.getClientChannel().getRemoteWindow().getPacketSize();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Asks the server to name user and group ids ({@code users-groups-by-id@openssh.com}, which the caller checked
     * it offers): the user names in the order of {@code userIds}, then the group names in the order of
     * {@code groupIds}, each empty where the server knows no name. A server that refuses the request names nothing.
     */
    List<String> namesOf(List<Integer> userIds, List<Integer> groupIds, SandgatePath path) throws IOException {
        String name = ServerExtensions.USERS_GROUPS_BY_ID;
        Buffer request = request(name.length() + 16 + 4 * (userIds.size() + groupIds.size()));
        request.putString(name);
        putIds(request, userIds);
        putIds(request, groupIds);
        SftpReply reply = reply(send(SftpConstants.SSH_FXP_EXTENDED, request, path), path);
        try {
            return reply.idNames(userIds.size(), groupIds.size());
        } catch (IOException refusedOrGarbled) {
            // names are a courtesy: a refusal (a status) or a garbled answer leaves the ids as numbers
            return new ArrayList<>(Collections.nCopies(userIds.size() + groupIds.size(), ""));
        }
    }

    private static void putIds(Buffer request, List<Integer> ids) {
        request.putInt(4L * ids.size());
        for (int id : ids) {
            request.putInt(id);
        }
    }

    IOException failure(IOException e, SandgatePath path) {
        return failure(e, path, null);
    }

    IOException failure(IOException e, SandgatePath path, SandgatePath other) {
        return SftpErrors.translate(e, path == null ? null : path.toString(), other == null ? null : other.toString(),
                this);
    }

    /** One call of MINA's client about {@code path} (and {@code other}), its failures leaving as this class says. */
    private <T> T call(SandgatePath path, SandgatePath other, MinaCall<T> call) throws IOException {
        ensureUsable(path, other);
        try {
            return call.run();
        } catch (IOException e) {
            throw failure(e, path, other);
        } catch (RuntimeException e) {
            throw malformed(e, path);
        }
    }

    private void run(SandgatePath path, SandgatePath other, MinaRun run) throws IOException {
        call(path, other, () -> {
            run.run();
            return null;
        });
    }

    @FunctionalInterface
    private interface MinaCall<T> {
        T run() throws IOException;
    }

    @FunctionalInterface
    private interface MinaRun {
        void run() throws IOException;
    }

    Attributes stat(SandgatePath path, boolean followLinks) throws IOException {
        return known(call(path, null, () -> serverStat(path, followLinks)), path);
    }

    /** The server's answer as it came, untranslated. */
    private Attributes serverStat(SandgatePath path, boolean followLinks) throws IOException {
        return followLinks ? client.stat(path.remotePath()) : client.lstat(path.remotePath());
    }

    /**
     * MINA's server answers a stat it cannot decide (a link loop, a regular file used as a directory) with success
     * and no attributes at all; that is not a file, so it fails as the JDK's stat does there.
     */
    private static Attributes known(Attributes attributes, SandgatePath path) throws FileSystemException {
        if (attributes.getFlags().isEmpty()) {
            throw SftpErrors.unreadableAttributes(path.toString());
        }
        return attributes;
    }

    /** The attributes, or null when nothing is at the path. */
    Attributes statIfExists(SandgatePath path, boolean followLinks) throws IOException {
        Attributes attributes = statOrNull(path, followLinks);
        return attributes == null ? null : known(attributes, path);
    }

    /** What is at the path (not following a link), or null when nothing is or the server cannot tell what is. */
    Attributes lstatIfDecided(SandgatePath path) throws IOException {
        Attributes attributes = statOrNull(path, false);
        return attributes == null || attributes.getFlags().isEmpty() ? null : attributes;
    }

    /** The attributes as the server sent them, or null when nothing is at the path. */
    private Attributes statOrNull(SandgatePath path, boolean followLinks) throws IOException {
        ensureUsable(path, null);
        try {
            return serverStat(path, followLinks);
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH) {
                return null;
            }
            throw failure(e, path);
        } catch (IOException e) {
            throw failure(e, path);
        } catch (RuntimeException e) {
            throw malformed(e, path);
        }
    }

    void setStat(SandgatePath path, Attributes attributes) throws IOException {
        run(path, null, () -> client.setStat(path.remotePath(), attributes));
    }

    void mkdir(SandgatePath path, Integer permissions) throws IOException {
        Buffer request = request(path.remotePath().length() * 3 + 16);
        request.putString(path.remotePath(), StandardCharsets.UTF_8);
        putPermissions(request, permissions);
        expectStatus(send(SftpConstants.SSH_FXP_MKDIR, request, path), path);
    }

    void rmdir(SandgatePath path) throws IOException {
        run(path, null, () -> client.rmdir(path.remotePath()));
    }

    void remove(SandgatePath path) throws IOException {
        run(path, null, () -> client.remove(path.remotePath()));
    }

    /** Renames; with {@code replace} through {@code posix-rename@openssh.com}, which replaces the target atomically. */
    void rename(SandgatePath source, SandgatePath target, boolean replace) throws IOException {
        run(source, target, () -> {
            if (replace) {
                extensions.posixRename().posixRename(source.remotePath(), target.remotePath());
            } else {
                client.rename(source.remotePath(), target.remotePath());
            }
        });
    }

    String readLink(SandgatePath path) throws IOException {
        return call(path, null, () -> client.readLink(path.remotePath()));
    }

    void symlink(SandgatePath link, String target) throws IOException {
        run(link, null, () -> client.symLink(link.remotePath(), target));
    }

    void hardLink(SandgatePath link, SandgatePath existing) throws IOException {
        run(link, existing, () -> client.link(existing.remotePath(), link.remotePath(), false));
    }

    String canonicalPath(SandgatePath path) throws IOException {
        return call(path, null, () -> client.canonicalPath(path.remotePath()));
    }

    /** The server's home directory for this login: where relative paths start. */
    String home() throws IOException {
        ensureUsable(null, null);
        try {
            return client.canonicalPath(".");
        } catch (IOException e) {
            throw SftpErrors.translate(e, ".", null, this);
        } catch (RuntimeException e) {
            throw malformed(e, null);
        }
    }

    OpenSSHStatExtensionInfo statVfs(SandgatePath path) throws IOException {
        return call(path, null, () -> extensions.statVfs().stat(path.remotePath()));
    }

    /** Opens a file with SFTP v3 open flags; {@code permissions} apply only if the server creates the file. */
    RemoteFile open(SandgatePath path, int openFlags, Integer permissions) throws IOException {
        Buffer request = request(path.remotePath().length() * 3 + 24);
        request.putString(path.remotePath(), StandardCharsets.UTF_8);
        request.putInt(openFlags);
        putPermissions(request, permissions);
        SftpReply reply = reply(send(SftpConstants.SSH_FXP_OPEN, request, path), path);
        byte[] handle;
        try {
            handle = reply.handle();
        } catch (IOException e) {
            throw failure(e, path);
        }
        return new RemoteFile(this, path, handle);
    }

    /**
     * Opens a directory for a listing read batch by batch as it is iterated; the caller closes it. Every name is
     * checked to be a single name and the entries are counted against {@code maxEntries}.
     */
    DirectoryListing openListing(SandgatePath directory, long maxEntries) throws IOException {
        return call(directory, null,
                () -> new DirectoryListing(this, directory, client.openDir(directory.remotePath()), maxEntries));
    }

    // --- raw requests, for what MINA's client does not expose (attributes on open and mkdir, pipelining) ---

    static Buffer request(int capacity) {
        Buffer buffer = new ByteArrayBuffer(HEADER_ROOM + capacity, false);
        buffer.rpos(HEADER_ROOM);
        buffer.wpos(HEADER_ROOM);
        return buffer;
    }

    int send(int command, Buffer request, SandgatePath path) throws IOException {
        ensureUsable(path, null);
        try {
            return client.send(command, request);
        } catch (IOException e) {
            throw failure(e, path);
        }
    }

    /** Sends a request whose reply nobody waits for: the reply is taken and dropped when it arrives. */
    void sendUnawaited(int command, Buffer request, SandgatePath path) throws IOException {
        client.abandon(send(command, request, path));
    }

    /** Nobody will wait for the reply to request {@code id} (its caller was interrupted): dropped when it comes. */
    void abandonReply(int id) {
        client.abandon(id);
    }

    /** Waits for the reply to a request (no longer than the request timeout). */
    SftpReply reply(int id, SandgatePath path) throws IOException {
        try {
            return SftpReply.parse(client.receive(id));
        } catch (IOException e) {
            throw failure(e, path);
        }
    }

    void expectStatus(int id, SandgatePath path) throws IOException {
        checkStatus(reply(id, path), path);
    }

    void checkStatus(SftpReply reply, SandgatePath path) throws IOException {
        try {
            if (reply.status() != SftpConstants.SSH_FX_OK) {
                throw reply.statusFailure();
            }
        } catch (IOException e) {
            throw failure(e, path);
        }
    }

    /**
     * A reply MINA's client decoded for us that could not be read: a length that claims more than arrived, a count
     * beyond its bytes. MINA's buffers refuse those before allocating, with an unchecked exception; it leaves here as
     * a file system exception naming the path. MINA's refusal of an operation SFTP v3 lacks is passed on as it is.
     */
    FileSystemException malformed(RuntimeException cause, SandgatePath path) {
        if (cause instanceof UnsupportedOperationException unsupported) {
            throw unsupported; // MINA's own refusal of what SFTP v3 cannot do (hard links), decided before sending
        }
        return SftpErrors.malformed(path == null ? null : path.toString(), cause);
    }

    private static void putPermissions(Buffer request, Integer permissions) {
        if (permissions == null) {
            request.putInt(0);
        } else {
            request.putInt(SftpConstants.SSH_FILEXFER_ATTR_PERMISSIONS);
            request.putInt(permissions);
        }
    }

    SftpClient client() {
        return client;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
