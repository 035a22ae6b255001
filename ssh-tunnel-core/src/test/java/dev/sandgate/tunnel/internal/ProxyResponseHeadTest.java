package dev.sandgate.tunnel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProxyResponseHeadTest {
    private static final byte[] SSH_BANNER = "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Hands out the bytes in the given chunk sizes, as a socket might. */
    private static InputStream chunked(byte[] bytes, int chunk) {
        return new InputStream() {
            private int position;

            @Override
            public int read() {
                return position < bytes.length ? bytes[position++] & 0xff : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position >= bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(length, chunk), bytes.length - position);
                System.arraycopy(bytes, position, buffer, offset, n);
                position += n;
                return n;
            }
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void sshBytesInTheSameReadAsTheHeadersAreKept() throws IOException {
        byte[] head = "HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ProxyResponseHead parsed = ProxyResponseHead.read(new ByteArrayInputStream(concat(head, SSH_BANNER)));
        assertEquals(200, parsed.status);
        assertArrayEquals(SSH_BANNER, parsed.leftover);
    }

    @Test
    void headersSplitAcrossManyReadsStillParse() throws IOException {
        byte[] head = "HTTP/1.0 200 OK\r\nA: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream in = chunked(concat(head, SSH_BANNER), 3);
        ProxyResponseHead parsed = ProxyResponseHead.read(in);
        assertEquals(200, parsed.status);
        assertArrayEquals(SSH_BANNER, concat(parsed.leftover, in.readAllBytes()),
                "what the parser kept plus what it left unread is exactly the SSH stream");
    }

    @Test
    void statusAndContentLengthOfARefusal() throws IOException {
        byte[] head = "HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 12\r\n\r\n{\"error\":{}}"
                .getBytes(StandardCharsets.US_ASCII);
        ProxyResponseHead parsed = ProxyResponseHead.read(new ByteArrayInputStream(head));
        assertEquals(407, parsed.status);
        assertEquals(12, parsed.contentLength);
        assertEquals("{\"error\":{}}", new String(parsed.leftover, StandardCharsets.US_ASCII));
    }

    @Test
    void aNonHttpAnswerIsNamed() {
        IOException failure = assertThrows(IOException.class,
                () -> ProxyResponseHead.read(new ByteArrayInputStream(concat(SSH_BANNER, "\r\n\r\n".getBytes()))));
        assertTrue(failure.getMessage().contains("did not answer with HTTP"), failure.getMessage());
    }

    @Test
    void anEarlyEndIsNamed() {
        IOException failure = assertThrows(IOException.class,
                () -> ProxyResponseHead.read(new ByteArrayInputStream("HTTP/1.1 200 OK\r\n".getBytes())));
        assertTrue(failure.getMessage().contains("in the middle of its response headers"), failure.getMessage());
    }
}
