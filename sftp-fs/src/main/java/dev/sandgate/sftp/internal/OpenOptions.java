package dev.sandgate.sftp.internal;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import org.apache.sshd.sftp.common.SftpConstants;

/**
 * The options of one open, parsed and checked once, as the JDK reads them: write (or append) makes a channel
 * writable, read is the default when neither is given, create and truncate count only when writing.
 *
 * @param read          the channel reads
 * @param write         the channel writes (append implies it)
 * @param append        every write goes to the end
 * @param create        the file is created when missing
 * @param createNew     the file must not exist yet
 * @param truncate      an existing file is emptied
 * @param noFollowLinks a link at the path fails the open
 * @param deleteOnClose the file is removed when the channel closes
 * @param sync          every write reaches the disk before it returns ({@code SYNC} or {@code DSYNC})
 */
record OpenOptions(boolean read, boolean write, boolean append, boolean create, boolean createNew, boolean truncate,
                   boolean noFollowLinks, boolean deleteOnClose, boolean sync) {

    /** Parses the options, refusing what the JDK refuses and what this file system cannot do. */
    static OpenOptions of(Set<? extends OpenOption> options) {
        for (OpenOption option : options) {
            if (!(option instanceof StandardOpenOption) && option != LinkOption.NOFOLLOW_LINKS) {
                throw new UnsupportedOperationException("the open option " + option + " is not supported");
            }
        }
        boolean append = options.contains(StandardOpenOption.APPEND);
        boolean write = append || options.contains(StandardOpenOption.WRITE);
        boolean read = options.contains(StandardOpenOption.READ) || !write;
        boolean truncate = write && options.contains(StandardOpenOption.TRUNCATE_EXISTING);
        if (read && append) {
            throw new IllegalArgumentException("READ and APPEND may not be combined");
        }
        if (append && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            throw new IllegalArgumentException("APPEND and TRUNCATE_EXISTING may not be combined");
        }
        boolean createNew = write && options.contains(StandardOpenOption.CREATE_NEW);
        boolean create = write && (createNew || options.contains(StandardOpenOption.CREATE));
        return new OpenOptions(read, write, append, create, createNew, truncate,
                options.contains(LinkOption.NOFOLLOW_LINKS), options.contains(StandardOpenOption.DELETE_ON_CLOSE),
                options.contains(StandardOpenOption.SYNC) || options.contains(StandardOpenOption.DSYNC));
    }

    /** The SFTP version 3 open flags ({@code SSH_FXF_*}) these options ask for. */
    int sftpFlags() {
        return (read ? SftpConstants.SSH_FXF_READ : 0)
                | (write ? SftpConstants.SSH_FXF_WRITE : 0)
                | (append ? SftpConstants.SSH_FXF_APPEND : 0)
                | (create ? SftpConstants.SSH_FXF_CREAT : 0)
                | (createNew ? SftpConstants.SSH_FXF_EXCL : 0)
                | (truncate ? SftpConstants.SSH_FXF_TRUNC : 0);
    }
}
