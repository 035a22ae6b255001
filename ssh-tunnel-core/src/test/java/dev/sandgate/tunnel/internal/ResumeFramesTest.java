package dev.sandgate.tunnel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The frames of a resumable tunnel, read however the bytes were split, and refused when they break the protocol. */
class ResumeFramesTest {
    /** Everything a decoder found, in order. */
    private static final class Found implements ResumeFrames.Handler {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();

        @Override
        public void onData(ByteBuffer bytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            data.writeBytes(copy);
        }

        @Override
        public void onAck(long received) {
            events.add("ack " + received);
        }

        @Override
        public void onClose() {
            events.add("close");
        }
    }

    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ResumeFrames.ack(0));
        out.writeBytes(ResumeFrames.data("hello ".getBytes(), 0, 6));
        out.writeBytes(ResumeFrames.ack(1L << 40));
        out.writeBytes(ResumeFrames.data("world".getBytes(), 0, 5));
        out.writeBytes(ResumeFrames.close());
        return out.toByteArray();
    }

    @Test
    void framesAreReadWhereverTheBytesAreSplit() throws Exception {
        byte[] bytes = stream();
        for (int split = 0; split <= bytes.length; split++) {
            Found found = new Found();
            ResumeFrames.Decoder decoder = new ResumeFrames.Decoder(found, "test tunnel");
            decoder.feed(ByteBuffer.wrap(bytes, 0, split));
            decoder.feed(ByteBuffer.wrap(bytes, split, bytes.length - split));
            assertEquals("hello world", found.data.toString(), "split at " + split);
            assertEquals(List.of("ack 0", "ack " + (1L << 40), "close"), found.events, "split at " + split);
        }
        Found found = new Found();
        ResumeFrames.Decoder decoder = new ResumeFrames.Decoder(found, "test tunnel");
        for (byte b : bytes) {
            decoder.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        assertEquals("hello world", found.data.toString());
    }

    @Test
    void aFrameTheProtocolDoesNotAllowEndsTheTunnelNamingIt() {
        assertBroken(new byte[] {9}, "unknown type 9");
        assertBroken(new byte[] {1, 0, 0, 0, 0}, "DATA frame of 0 bytes");
        assertBroken(new byte[] {1, 0, 1, 0, 1}, "DATA frame of 65537 bytes");
        assertBroken(new byte[] {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, "DATA frame of 4294967295");
        assertBroken(new byte[] {2, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0}, "ACK of more than 2^63");
        assertBroken(new byte[] {3, 1}, "after its CLOSE");
    }

    private static void assertBroken(byte[] bytes, String said) {
        ResumeFrames.Decoder decoder = new ResumeFrames.Decoder(new Found(), "test tunnel");
        ResumeFrames.ProtocolBroken broken = assertThrows(ResumeFrames.ProtocolBroken.class,
                () -> decoder.feed(ByteBuffer.wrap(bytes)));
        assertTrue(broken.getMessage().contains(said), broken.getMessage());
        assertTrue(broken.getMessage().startsWith("test tunnel broke the resumption protocol"), broken.getMessage());
    }
}
