package dev.sandgate.cli;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The terminal this command runs in, through {@code stty} on {@code /dev/tty}: its size, raw mode for a remote
 * shell (and back), and a callback when the window changes size (SIGWINCH).
 */
final class LocalTerminal implements AutoCloseable {
    private final String savedMode;

    private LocalTerminal(String savedMode) {
        this.savedMode = savedMode;
    }

    /** The terminal, if standard input and output are one. */
    static Optional<LocalTerminal> attach() {
        if (System.console() == null || !new File("/dev/tty").canRead()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LocalTerminal(stty("-g").trim()));
        } catch (IOException noStty) {
            return Optional.empty();
        }
    }

    /** Columns and rows, e.g. {@code [120, 40]}; 80 × 24 when stty cannot tell. */
    int[] size() {
        try {
            String[] rowsColumns = stty("size").trim().split("\\s+");
            int rows = Integer.parseInt(rowsColumns[0]);
            int columns = Integer.parseInt(rowsColumns[1]);
            if (rows > 0 && columns > 0) {
                return new int[] {columns, rows};
            }
        } catch (IOException | RuntimeException unknown) {
            // fall through to the classic size
        }
        return new int[] {80, 24};
    }

    /** Bytes pass through untouched: the remote terminal echoes, edits lines and handles Ctrl-C. */
    void raw() throws IOException {
        stty("raw", "-echo");
    }

    @Override
    public void close() {
        try {
            stty(savedMode);
        } catch (IOException ignored) {
            // the terminal went away; nothing left to restore
        }
    }

    /**
     * Calls {@code onResize} whenever the window changes size. The JDK has no public API for SIGWINCH; this uses
     * {@code sun.misc.Signal} from the jdk.unsupported module through reflection, and does nothing where it is absent.
     */
    static void onWindowChange(Runnable onResize) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            InvocationHandler call = (proxy, method, args) -> {
                if ("handle".equals(method.getName())) {
                    onResize.run();
                }
                return null;
            };
            Object proxy = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, call);
            signal.getMethod("handle", signal, handler).invoke(null,
                    signal.getConstructor(String.class).newInstance("WINCH"), proxy);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
            // no window-change events: the remote terminal keeps its first size
        }
    }

    private static String stty(String... arguments) throws IOException {
        String[] command = new String[arguments.length + 1];
        command[0] = "stty";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process stty = new ProcessBuilder(command).redirectInput(new File("/dev/tty"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (stty.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", arguments) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return output;
    }
}
