package dev.sandgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.sandgate.tunnel.Tunnel;

/**
 * Copies bytes between standard input and output and a tunnel until either side ends, as a ProxyCommand must: what
 * OpenSSH writes goes to the session's SSH server, and what the server sends goes to OpenSSH, each flushed at once.
 */
final class StdioRelay {
    /** How long the tunnel may stay open after standard input ended (a WebSocket cannot half-close). */
    private static final long LINGER_SECONDS = 10;

    private StdioRelay() {
    }

    /** Relays until the tunnel ends; throws what broke it, if anything did. */
    static void run(Tunnel tunnel, InputStream in, PrintStream out) throws IOException, InterruptedException {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        tunnel.start(new Tunnel.Receiver() {
            @Override
            public void onBytes(ByteBuffer bytes) throws IOException {
                if (bytes.hasArray()) {
                    out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                } else {
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    out.write(copy, 0, copy.length);
                }
                out.flush();
                if (out.checkError()) {
                    throw new IOException("standard output is closed: the SSH client went away");
                }
            }

            @Override
            public void onClosed(IOException cause) {
                if (cause == null) {
                    ended.complete(null);
                } else {
                    ended.completeExceptionally(cause);
                }
            }
        });
        Thread input = new Thread(() -> copyInput(tunnel, in, ended), "sandgate-proxy-stdin");
        input.setDaemon(true);
        input.start();
        try {
            ended.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        } finally {
            tunnel.close();
        }
    }

    private static void copyInput(Tunnel tunnel, InputStream in, CompletableFuture<Void> ended) {
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (n > 0) {
                    tunnel.send(ByteBuffer.wrap(buffer, 0, n));
                }
            }
            tunnel.shutdownOutput();
            // the server closes once it has read the client's goodbye; a tunnel that cannot half-close waits for that
            ended.get(LINGER_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            ended.complete(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ExecutionException e) {
            ended.completeExceptionally(e instanceof ExecutionException ? e.getCause() : e);
        }
    }
}
