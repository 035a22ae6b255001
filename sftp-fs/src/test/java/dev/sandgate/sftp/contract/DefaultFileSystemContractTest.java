package dev.sandgate.sftp.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.io.TempDir;

/** The reference: the contract on the JDK's own file system, with no deviations. */
class DefaultFileSystemContractTest extends FileSystemContract {
    @TempDir
    Path temp;

    @Override
    protected Path newDirectory() throws IOException {
        return Files.createTempDirectory(temp, "t");
    }

    @Override
    protected Set<Deviation> deviations() {
        return Set.of();
    }

    /** A uid with no passwd entry (as in some containers) has no name; the JDK then says "?" for user.name. */
    @Override
    protected boolean ownerHasName() {
        return !"?".equals(System.getProperty("user.name"));
    }
}
