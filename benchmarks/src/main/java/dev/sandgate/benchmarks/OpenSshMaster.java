package dev.sandgate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.sandgate.benchmarks.Peers.Route;

/**
 * An OpenSSH client master connection ({@code ssh -M -N}) direct to sshd A, for the ControlMaster round trip and for
 * the resident size of one OpenSSH client process.
 */
final class OpenSshMaster implements AutoCloseable {
    private final Peers peers;
    private final Path socket;
    private final Process master;

    private OpenSshMaster(Peers peers, Path socket, Process master) {
        this.peers = peers;
        this.socket = socket;
        this.master = master;
    }

    static OpenSshMaster start(Peers peers, Path work) throws IOException, InterruptedException {
        Path socket = work.resolve("control-" + ProcessHandle.current().pid());
        Files.deleteIfExists(socket);
        List<String> argv = command(peers, socket, "-M", "-N");
        Process master = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        OpenSshMaster started = new OpenSshMaster(peers, socket, master);
        // bounded: the master is up once its socket answers "-O check"
        for (int i = 0; i < 100 && !started.check(); i++) {
            if (!master.isAlive()) {
                throw new IOException("ssh -M exited with " + master.exitValue());
            }
            Thread.sleep(50);
        }
        if (!started.check()) {
            started.close();
            throw new IOException("ssh -M did not come up within 5 s");
        }
        return started;
    }

    private static List<String> command(Peers peers, Path socket, String... extra) {
        List<String> argv = new ArrayList<>(List.of("ssh"));
        argv.addAll(peers.openSshOptions(Route.DIRECT, SftpBenchmark.CIPHER, null));
        argv.addAll(List.of("-o", "ControlPath=" + socket, "-o", "ControlPersist=no"));
        argv.addAll(List.of(extra));
        argv.add(peers.user() + "@127.0.0.1");
        return argv;
    }

    private boolean check() throws IOException, InterruptedException {
        return run(command(peers, socket, "-O", "check")) == 0;
    }

    /** Runs {@code true} through the master; fails unless it exits 0. */
    void runTrue() throws IOException, InterruptedException {
        List<String> argv = command(peers, socket);
        argv.add("true");
        int exit = run(argv);
        if (exit != 0) {
            throw new IOException("ssh through the master exited with " + exit);
        }
    }

    /** The master process's resident memory, from {@code /proc}. */
    long residentKib() throws IOException {
        return SessionBenchmark.residentKib(Path.of("/proc", Long.toString(master.pid()), "status"));
    }

    private static int run(List<String> argv) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", argv.subList(0, 1)) + " did not finish within 30 s");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        master.destroy();
        try {
            if (!master.waitFor(5, TimeUnit.SECONDS)) {
                master.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
