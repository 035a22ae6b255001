package dev.sandgate.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds one SFTP packet, its length field first (filled in by {@link #toBytes}, truthfully unless told to lie). */
final class SftpPacketWriter {
    private byte[] bytes;
    private int size;

    SftpPacketWriter(int type, int expected) {
        bytes = new byte[Math.max(64, expected + 9)];
        size = 4;
        writeByte(type);
    }

    /** A reply of this type to the request with this id. */
    static SftpPacketWriter reply(int type, long id) {
        return reply(type, id, 64);
    }

    static SftpPacketWriter reply(int type, long id, int expected) {
        SftpPacketWriter packet = new SftpPacketWriter(type, expected);
        packet.writeUint32(id);
        return packet;
    }

    SftpPacketWriter writeByte(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
        return this;
    }

    SftpPacketWriter writeUint32(long value) {
        ensure(4);
        bytes[size++] = (byte) (value >>> 24);
        bytes[size++] = (byte) (value >>> 16);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
        return this;
    }

    SftpPacketWriter writeUint64(long value) {
        writeUint32(value >>> 32);
        return writeUint32(value & 0xFFFF_FFFFL);
    }

    SftpPacketWriter writeBytes(byte[] value, int offset, int length) {
        writeUint32(length);
        return writeRaw(value, offset, length);
    }

    SftpPacketWriter writeRaw(byte[] value, int offset, int length) {
        ensure(length);
        System.arraycopy(value, offset, bytes, size, length);
        size += length;
        return this;
    }

    SftpPacketWriter also(SftpAttributes attributes) {
        attributes.writeTo(this);
        return this;
    }

    SftpPacketWriter writeString(String value) {
        byte[] encoded = value.getBytes(StandardCharsets.UTF_8);
        return writeBytes(encoded, 0, encoded.length);
    }

    /** Leaves room for {@code length} bytes and returns where they go, for the caller to fill in place. */
    int reserve(int length) {
        ensure(length);
        int at = size;
        size += length;
        return at;
    }

    byte[] buffer() {
        return bytes;
    }

    /** Writes the packet with its true length. */
    void writeTo(java.io.OutputStream out) throws java.io.IOException {
        writeTo(out, size - 4);
    }

    /** Writes the packet with this uint32 in its length field, whatever its real length. */
    void writeTo(java.io.OutputStream out, long claimedLength) throws java.io.IOException {
        bytes[0] = (byte) (claimedLength >>> 24);
        bytes[1] = (byte) (claimedLength >>> 16);
        bytes[2] = (byte) (claimedLength >>> 8);
        bytes[3] = (byte) claimedLength;
        out.write(bytes, 0, size);
        out.flush();
    }

    /** The length the packet truly has (without its length field). */
    int length() {
        return size - 4;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
