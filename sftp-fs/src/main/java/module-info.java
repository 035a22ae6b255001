/**
 * A session's files as a {@link java.nio.file.FileSystem} over SFTP: the package {@link dev.sandgate.sftp}, starting
 * at {@link dev.sandgate.sftp.SandboxFileSystems}. The provider itself is internal and found through
 * {@link java.util.ServiceLoader} (scheme {@code sandgate}).
 *
 * <p>Apache MINA SSHD is not named here: its jars split packages between them and cannot be modules, so they stay on
 * the class path and this module reads it ({@code --add-reads dev.sandgate.sftp=ALL-UNNAMED}).
 */
module dev.sandgate.sftp {
    exports dev.sandgate.sftp;

    requires transitive dev.sandgate.tunnel;
    requires org.slf4j;
    // the Flight Recorder event of a tree transfer (dev.sandgate.Transfer)
    requires jdk.jfr;

    provides java.nio.file.spi.FileSystemProvider with dev.sandgate.sftp.internal.SandgateFileSystemProvider;
}
