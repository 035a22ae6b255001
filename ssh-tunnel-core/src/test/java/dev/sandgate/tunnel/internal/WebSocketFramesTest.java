package dev.sandgate.tunnel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The WebSocket tunnel's own framing: what it writes is what RFC 6455 says, what it reads it bounds. */
class WebSocketFramesTest {
    private static final Random RANDOM = new Random(7);

    @Test
    void maskingEightBytesAtATimeEqualsMaskingByteByByteAtEveryLengthAndAlignment() {
        for (boolean direct : new boolean[] {false, true}) {
            for (int length : new int[] {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 63, 1000, 65536}) {
                for (int offset = 0; offset < 3; offset++) {
                    byte[] data = new byte[offset + length];
                    RANDOM.nextBytes(data);
                    ByteBuffer source = direct ? ByteBuffer.allocateDirect(data.length) : ByteBuffer.allocate(data.length);
                    source.put(data).flip().position(offset);
                    int mask = RANDOM.nextInt();
                    byte[] target = new byte[length + 5];
                    WebSocketFrameWriter.mask(source, length, mask, target, 5);
                    assertEquals(offset + length, source.position(), "the source is consumed");
                    for (int i = 0; i < length; i++) {
                        byte expected = (byte) (data[offset + i] ^ (mask >>> (24 - 8 * (i % 4))));
                        assertEquals(expected, target[5 + i], "byte " + i + " of " + length + " (direct=" + direct + ")");
                    }
                }
            }
        }
    }

    @Test
    void writtenFramesAreMaskedFinalBinaryMessagesOfAtMost64KiBThatUnmaskToTheBytesSent() throws IOException {
        byte[] sent = new byte[150_000];
        RANDOM.nextBytes(sent);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new WebSocketFrameWriter(wire, new SecureRandom()).binary(ByteBuffer.wrap(sent));
        ByteBuffer frames = ByteBuffer.wrap(wire.toByteArray());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int count = 0;
        while (frames.hasRemaining()) {
            int first = frames.get() & 0xFF;
            int second = frames.get() & 0xFF;
            assertEquals(0x82, first, "FIN and binary, no reserved bits");
            assertTrue((second & 0x80) != 0, "a client's frames are masked");
            int length = second & 0x7F;
            if (length == 126) {
                length = frames.getShort() & 0xFFFF;
            } else if (length == 127) {
                length = Math.toIntExact(frames.getLong());
            }
            assertTrue(length <= WebSocketFrameWriter.MAX_PAYLOAD, "frame of " + length + " bytes");
            byte[] key = new byte[4];
            frames.get(key);
            for (int i = 0; i < length; i++) {
                received.write(frames.get() ^ key[i % 4]);
            }
            count++;
        }
        assertEquals(3, count, "150 000 bytes in frames of 64 KiB");
        assertArrayEquals(sent, received.toByteArray());
    }

    @Test
    void aFrameIsPassedOnAsItArrivesAndAFragmentedMessageWholeWithControlFramesBetween() throws IOException {
        byte[] one = bytes(100_000);
        byte[] a = bytes(10);
        byte[] b = bytes(20);
        Recorder recorder = read(Long.MAX_VALUE, frame(0x82, one), frame(0x02, a), frame(0x89, new byte[] {1, 2}),
                frame(0x80, b), frame(0x8A, new byte[0]), frame(0x88, closeBody(4404, "no such session")));
        assertEquals(List.of("binary 65536", "binary 34464", "ping 2", "binary 30", "pong", "close 4404 no such session"),
                recorder.events);
        assertArrayEquals(concat(one, concat(a, b)), recorder.bytes.toByteArray());
    }

    @Test
    void aMessageOfTheLimitIsTakenAndOneByteMoreEndsTheReadingAtItsHeader() throws IOException {
        assertEquals(List.of("binary 100"), read(100, frame(0x82, bytes(100))).events);
        byte[] header = java.util.Arrays.copyOf(frame(0x82, bytes(101)), 2);
        WebSocketFrameReader.MessageTooLargeException tooLarge = assertThrows(
                WebSocketFrameReader.MessageTooLargeException.class, () -> read(100, header));
        assertTrue(tooLarge.getMessage().contains("more than the limit of 100 bytes"), tooLarge.getMessage());
        Recorder recorder = new Recorder();
        WebSocketFrameReader fragments = new WebSocketFrameReader(new ByteArrayInputStream(
                concat(frame(0x02, bytes(60)), frame(0x80, bytes(41)))), 100);
        assertTrue(fragments.next(recorder));
        assertThrows(WebSocketFrameReader.MessageTooLargeException.class, () -> fragments.next(recorder));
        assertEquals(List.of(), recorder.events, "nothing of a fragmented message that grew too long was passed on");
    }

    @Test
    void framesAServerMustNotSendAreProtocolErrorsAndACutFrameIsAnEndOfStream() {
        byte[] masked = frame(0x82, bytes(4));
        masked[1] |= (byte) 0x80;
        assertThrows(WebSocketFrameReader.ProtocolException.class, () -> read(1000, masked));
        IOException compressed = assertThrows(WebSocketFrameReader.ProtocolException.class,
                () -> read(1000, frame(0xC2, bytes(4))));
        assertTrue(compressed.getMessage().contains("compressed"), compressed.getMessage());
        assertThrows(WebSocketFrameReader.ProtocolException.class, () -> read(1000, frame(0x09, bytes(2))),
                "a fragmented ping");
        assertThrows(WebSocketFrameReader.ProtocolException.class, () -> read(1000, frame(0x80, bytes(2))),
                "a continuation with no message");
        byte[] cut = java.util.Arrays.copyOf(frame(0x82, bytes(300)), 200);
        assertThrows(EOFException.class, () -> read(1000, cut));
    }

    @Test
    void aTextFrameAndACloseFrameEndTheReadingAndACleanEndSaysSo() throws IOException {
        assertEquals(List.of("text"), read(1000, frame(0x81, "hi".getBytes()), frame(0x82, bytes(3))).events);
        assertEquals(List.of("close 1005 null"), read(1000, frame(0x88, new byte[0]), frame(0x82, bytes(3))).events);
        WebSocketFrameReader empty = new WebSocketFrameReader(new ByteArrayInputStream(new byte[0]), 1000);
        assertFalse(empty.next(new Recorder()));
    }

    private static Recorder read(long limit, byte[]... frames) throws IOException {
        byte[] all = new byte[0];
        for (byte[] frame : frames) {
            all = concat(all, frame);
        }
        WebSocketFrameReader reader = new WebSocketFrameReader(new ByteArrayInputStream(all), limit);
        Recorder recorder = new Recorder();
        int bounded = 100;
        while (reader.next(recorder) && bounded-- > 0) {
            // next frame
        }
        return recorder;
    }

    /** An unmasked (server) frame with this first byte. */
    private static byte[] frame(int first, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift));
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] closeBody(int code, String reason) {
        return concat(new byte[] {(byte) (code >>> 8), (byte) code}, reason.getBytes());
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static final class Recorder implements WebSocketFrameReader.Frames {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void binary(ByteBuffer piece) {
            events.add("binary " + piece.remaining());
            byte[] copy = new byte[piece.remaining()];
            piece.get(copy);
            bytes.writeBytes(copy);
        }

        @Override
        public void text() {
            events.add("text");
        }

        @Override
        public void ping(byte[] payload) {
            events.add("ping " + payload.length);
        }

        @Override
        public void pong() {
            events.add("pong");
        }

        @Override
        public void close(int code, String reason) {
            events.add("close " + code + " " + reason);
        }
    }
}
