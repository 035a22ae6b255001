package dev.sandgate.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command reads and writes: standard streams as bytes (a ProxyCommand relays SSH through them), the
 * environment and the home directory. Tests give their own.
 */
record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment, Path home) {
    /** This process's streams and environment; home is $HOME, as for git and most commands, else the JVM's. */
    static Io system() {
        String home = System.getenv("HOME");
        return new Io(System.in, System.out, System.err, System.getenv(),
                Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home));
    }

    /** The Io of the command line this command belongs to. */
    static Io of(CommandSpec spec) {
        return ((Sandgate) spec.root().userObject()).io();
    }

    String env(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** {@code ~/.sandgate}, where the config file and generated OpenSSH files live by default. */
    Path sandgateHome() {
        return home.resolve(".sandgate");
    }
}
