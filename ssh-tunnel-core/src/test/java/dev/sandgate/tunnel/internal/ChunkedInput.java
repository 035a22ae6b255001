package dev.sandgate.tunnel.internal;

import java.io.InputStream;

/** Bytes handed out in reads of given sizes, as a socket may hand them out. */
final class ChunkedInput {
    private ChunkedInput() {
    }

    /** Reads return at most the next of {@code sizes} bytes in turn (each taken as 1 to 64); none: whatever is asked. */
    static InputStream of(byte[] bytes, int... sizes) {
        return new InputStream() {
            private int position;
            private int reads;

            @Override
            public int read() {
                return position < bytes.length ? bytes[position++] & 0xff : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= bytes.length) {
                    return -1;
                }
                int size = sizes.length == 0 ? length : 1 + Math.floorMod(sizes[reads++ % sizes.length] - 1, 64);
                int n = Math.min(Math.min(length, size), bytes.length - position);
                System.arraycopy(bytes, position, buffer, offset, n);
                position += n;
                return n;
            }
        };
    }
}
