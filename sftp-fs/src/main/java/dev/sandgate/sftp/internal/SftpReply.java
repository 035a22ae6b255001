package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * One SFTP reply packet as the server sent it, and the decoding of the replies this file system reads itself
 * (status, handle, data, the names of ids). Nothing the server states is believed before it is checked against what
 * arrived and what was asked: a length beyond the packet, a negative one, more data than requested each end in a
 * {@link Malformed} ({@code IOException}), never in an allocation of the claimed size or an unchecked exception.
 */
final class SftpReply {
    /** The reply's type, such as {@code SSH_FXP_DATA}. */
    final int type;
    /** The body after the request id. */
    private final Buffer body;

    private SftpReply(int type, Buffer body) {
        this.type = type;
        this.body = body;
    }

    /** The reply in a packet as MINA's client hands it over: length, type, request id, body. */
    static SftpReply parse(Buffer packet) throws Malformed {
        if (packet.available() < 4 + 1 + 4) {
            throw new Malformed("a packet of " + packet.available() + " bytes, shorter than any reply");
        }
        packet.getInt(); // length: MINA's client framed the packet by it already
        int type = packet.getUByte();
        packet.getInt(); // the request id, by which MINA's client matched it
        return new SftpReply(type, packet);
    }

    /** The body of a reply of {@code expected} type; a status instead fails with what it says. */
    Buffer expect(int expected) throws IOException {
        if (type == SftpConstants.SSH_FXP_STATUS) {
            throw statusFailure();
        }
        if (type != expected) {
            throw new Malformed("a reply of type " + type + " where " + expected + " was expected");
        }
        return body;
    }

    /** The status of a status reply. */
    int status() throws Malformed {
        if (type != SftpConstants.SSH_FXP_STATUS) {
            throw new Malformed("a reply of type " + type + " where a status was expected");
        }
        if (body.available() < 4) {
            throw new Malformed("a status without its code");
        }
        int status = body.getInt();
        body.rpos(body.rpos() - 4);
        return status;
    }

    /** The failure a status reply says, for a status other than OK and EOF. */
    SftpException statusFailure() throws Malformed {
        int status = status();
        body.rpos(body.rpos() + 4);
        String message = body.available() >= 4 ? string(body, "the status message") : "";
        return new SftpException(status, Names.visible(message));
    }

    /** A handle, at most 256 bytes as SFTP says. */
    byte[] handle() throws IOException {
        Buffer handle = expect(SftpConstants.SSH_FXP_HANDLE);
        int length = length(handle, "the handle");
        if (length > 256) {
            throw new Malformed("a handle of " + length + " bytes (at most 256)");
        }
        return bytes(handle, length);
    }

    /**
     * The bytes of the answer to a read of {@code requested} bytes, or null at the end of the file. A length over
     * what was asked, over what arrived, or negative fails; so does an empty answer, which would make no progress.
     */
    byte[] data(int requested) throws IOException {
        if (type == SftpConstants.SSH_FXP_STATUS && status() == SftpConstants.SSH_FX_EOF) {
            return null;
        }
        Buffer data = expect(SftpConstants.SSH_FXP_DATA);
        int length = data.available() >= 4 ? data.getInt() : -1;
        if (length <= 0 || length > requested || length > data.available()) {
            throw new Malformed("a read of " + requested + " bytes answered with a length of "
                    + (length < 0 ? Integer.toUnsignedString(length) + " (negative or missing)" : length)
                    + " where " + data.available() + " bytes arrived");
        }
        return bytes(data, length);
    }

    /**
     * The answer to {@code users-groups-by-id@openssh.com}: the user names, then the group names, each list packed
     * in one string. A short list leaves the rest empty; a string longer than what arrived fails.
     */
    List<String> idNames(int users, int groups) throws IOException {
        Buffer answer = expect(SftpConstants.SSH_FXP_EXTENDED_REPLY);
        List<String> names = new ArrayList<>(Math.min(users + groups, 1024));
        names.addAll(packedStrings(answer, users));
        names.addAll(packedStrings(answer, groups));
        return names;
    }

    private static List<String> packedStrings(Buffer answer, int count) throws Malformed {
        Buffer packed = new ByteArrayBuffer(bytes(answer, length(answer, "the names")));
        List<String> strings = new ArrayList<>(Math.min(count, 1024));
        while (strings.size() < count) {
            strings.add(packed.available() >= 4 ? string(packed, "a name") : "");
        }
        return strings;
    }

    private static int length(Buffer buffer, String what) throws Malformed {
        if (buffer.available() < 4) {
            throw new Malformed("no length for " + what);
        }
        int length = buffer.getInt();
        if (length < 0 || length > buffer.available()) {
            throw new Malformed("a length of " + Integer.toUnsignedString(length) + " for " + what + " where "
                    + buffer.available() + " bytes arrived");
        }
        return length;
    }

    private static byte[] bytes(Buffer buffer, int length) {
        byte[] bytes = new byte[length];
        buffer.getRawBytes(bytes, 0, length);
        return bytes;
    }

    private static String string(Buffer buffer, String what) throws Malformed {
        return new String(bytes(buffer, length(buffer, what)), StandardCharsets.UTF_8);
    }

    /** A reply that cannot be what the server says it is; leaves the file system as a FileSystemException. */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String what) {
            super("the SFTP server sent a malformed reply: " + what);
        }
    }
}
