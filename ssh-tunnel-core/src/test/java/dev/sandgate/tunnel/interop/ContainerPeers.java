package dev.sandgate.tunnel.interop;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Properties;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The interop peers as a container, for machines with a Docker engine where nobody ran {@code interop/start.sh}:
 * the image is built from {@code interop/Dockerfile} (the same install and start scripts), runs with host networking
 * so that the peers listen on 127.0.0.1 as they do without a container, and is removed when the JVM ends. The files
 * the tests read (properties and CA keys) are copied out, with their paths rewritten.
 */
final class ContainerPeers {
    /** Inside the container, where start.sh puts its files. */
    static final String CONTAINER_DIR = "/peers";
    private static final String[] COPIED = {"ca.user.ed25519", "ca.user.ecdsa", "ca.user.rsa", "ca.host",
        "user.key.plain", "host.key.pub", "host.plain.key.pub"};

    private static Path started;

    private ContainerPeers() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError noDocker) {
            return false;
        }
    }

    /** Starts the container once per JVM and returns a local directory laid out as start.sh lays out its own. */
    static synchronized Path start() throws IOException {
        if (started != null) {
            return started;
        }
        Path interop = Path.of("..", "interop").toAbsolutePath().normalize();
        @SuppressWarnings("resource") // Testcontainers removes it when the JVM ends
        GenericContainer<?> container = new GenericContainer<>(new ImageFromDockerfile("sandgate-interop-peers", false)
                .withFileFromPath(".", interop))
                .withNetworkMode("host")
                .waitingFor(Wait.forLogMessage(".*peers up in.*", 1).withStartupTimeout(Duration.ofMinutes(5)));
        container.start();
        Path local = Files.createTempDirectory("sandgate-interop-container");
        container.copyFileFromContainer(CONTAINER_DIR + "/peers.properties", local.resolve("peers.properties").toString());
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(local.resolve("peers.properties"))) {
            properties.load(reader);
        }
        for (String key : COPIED) {
            String inside = properties.getProperty(key);
            Path outside = local.resolve(Path.of(inside).getFileName().toString());
            container.copyFileFromContainer(inside, outside.toString());
            // private keys are read only when no one else may read them, as OpenSSH does
            Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-------"));
            properties.setProperty(key, outside.toString());
        }
        try (Writer writer = Files.newBufferedWriter(local.resolve("peers.properties"))) {
            properties.store(writer, "copied from the interop container; paths rewritten to " + local);
        }
        started = local;
        return local;
    }
}
