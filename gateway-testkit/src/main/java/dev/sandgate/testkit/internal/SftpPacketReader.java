package dev.sandgate.testkit.internal;

import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one SFTP request already held whole in memory: every length is checked against the bytes
 * that are there, so a client's lie ends in {@link Malformed}, never in a large allocation.
 */
final class SftpPacketReader {
    /** A request whose fields do not fit its packet. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private final byte[] bytes;
    private int position;

    SftpPacketReader(byte[] bytes) {
        this.bytes = bytes;
    }

    int remaining() {
        return bytes.length - position;
    }

    int readByte() throws Malformed {
        need(1);
        return bytes[position++] & 0xff;
    }

    long readUint32() throws Malformed {
        need(4);
        long value = ((bytes[position] & 0xffL) << 24) | ((bytes[position + 1] & 0xffL) << 16)
                | ((bytes[position + 2] & 0xffL) << 8) | (bytes[position + 3] & 0xffL);
        position += 4;
        return value;
    }

    int readInt() throws Malformed {
        return (int) readUint32();
    }

    long readUint64() throws Malformed {
        return (readUint32() << 32) | readUint32();
    }

    byte[] readBytes() throws Malformed {
        long length = readUint32();
        if (length > remaining()) {
            throw new Malformed("a string claims " + length + " bytes where " + remaining() + " are left");
        }
        byte[] value = new byte[(int) length];
        System.arraycopy(bytes, position, value, 0, value.length);
        position += value.length;
        return value;
    }

    String readString() throws Malformed {
        return new String(readBytes(), StandardCharsets.UTF_8);
    }

    private void need(int count) throws Malformed {
        if (remaining() < count) {
            throw new Malformed("the request ends " + (count - remaining()) + " bytes early");
        }
    }
}
