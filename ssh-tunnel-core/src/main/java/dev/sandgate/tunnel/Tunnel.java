package dev.sandgate.tunnel;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A two-way byte stream to a sandbox session's SSH server, opened by a {@link Transport}: an HTTP CONNECT tunnel,
 * a WebSocket, or anything else that carries raw SSH bytes.
 *
 * <p>Received bytes are pushed to a {@link Receiver}, which may block to slow the sender down; sent bytes go out in
 * the order of {@link #send} calls. A tunnel is used by one SSH connection.
 *
 * <pre>{@code
 * Tunnel tunnel = transport.open(request);
 * tunnel.start(new Tunnel.Receiver() {
 *     public void onBytes(ByteBuffer bytes) { ... }
 *     public void onClosed(IOException cause) { ... }
 * });
 * tunnel.send(ByteBuffer.wrap("SSH-2.0-demo\r\n".getBytes(StandardCharsets.US_ASCII)));
 * }</pre>
 */
public interface Tunnel extends Closeable {
    /** Where bytes that arrive through a tunnel go. Calls come from one thread at a time, in order. */
    interface Receiver {
        /**
         * Bytes arrived. The buffer is valid only during the call. Blocking here stops reading from the tunnel,
         * which is how a slow receiver slows the sender.
         *
         * @param bytes the bytes that arrived, between its position and its limit; copy what must outlive the call
         * @throws IOException if the tunnel, the connection or the server fails
         */
        void onBytes(ByteBuffer bytes) throws IOException;

        /**
         * The tunnel ended: {@code cause} is null for an orderly end, otherwise it says what broke. Called once.
         *
         * @param cause what broke the tunnel, or null when it ended in order
         */
        void onClosed(IOException cause);

        /**
         * A resumable tunnel lost its transport connection and is re-attaching a new one (gateway contract v2); bytes
         * sent meanwhile wait. Followed by {@link #onResumed} or, when it cannot, {@link #onClosed}.
         *
         * @param cause what ended the transport connection
         */
        default void onInterrupted(IOException cause) {
        }

        /**
         * A resumable tunnel re-attached after {@link #onInterrupted}: nothing was lost.
         *
         * @param took          from the drop to the re-attachment
         * @param bytesReplayed how many bytes this side sent again because the gateway had not received them
         */
        default void onResumed(Duration took, long bytesReplayed) {
        }
    }

    /**
     * Starts delivering received bytes (including any that arrived before this call). Call once.
     *
     * @param receiver what every received byte and the tunnel's end are passed to
     */
    void start(Receiver receiver);

    /**
     * Sends all remaining bytes of the buffer, blocking while the tunnel is full.
     *
     * @param bytes the bytes to send: those between its position and its limit
     * @throws IOException if the tunnel, the connection or the server fails
     */
    void send(ByteBuffer bytes) throws IOException;

    /**
     * Signals that no more bytes will be sent, where the tunnel can (a WebSocket cannot; SSH carries EOF itself).
     *
     * @throws IOException if the tunnel, the connection or the server fails
     */
    void shutdownOutput() throws IOException;

    /**
     * For a tunnel that can re-attach (a resumable tunnel, gateway contract v2): drops its current transport connection
     * so that a new one is attached, as after a drop. Called when the connection went silent (keepalives unanswered)
     * without the network saying so. Tunnels that cannot re-attach do nothing and return false (the default).
     *
     * @return whether a new connection is being attached
     */
    default boolean dropConnection() {
        return false;
    }

    /** Closes the tunnel at once. Idempotent. */
    @Override
    void close();

    /**
     * What this tunnel is, for logs and messages, such as {@code HTTP CONNECT sess-1:22 via http://127.0.0.1:8080}.
     * Never contains secrets.
     *
     * @return one line naming the kind of tunnel, its target and where it goes through, without any credential
     */
    String description();
}
