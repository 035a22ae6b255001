package dev.sandgate.sftp.internal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the handles of channels that an interrupt ended. The interrupted thread may not wait (sending a request can
 * wait for the SSH window behind the writes it left in flight), so the close goes out on a short-lived daemon thread;
 * the server takes a channel's requests in order, so it comes after those writes. A file the channel created is then
 * removed, so that an upload cut by an interrupt leaves no file that looks complete.
 */
final class AbandonedHandles {
    private static final Logger LOG = LoggerFactory.getLogger(AbandonedHandles.class);
    private static final AtomicInteger NUMBERS = new AtomicInteger();

    private AbandonedHandles() {
    }

    static void closeLater(RemoteFile file, boolean remove) {
        Thread closer = new Thread(() -> {
            try {
                file.close();
            } catch (IOException e) {
                // the connection may be gone with the handle; the next call on the file system reports that itself
                LOG.debug("closing the handle of {} after an interrupt failed", file.path(), e);
            }
            if (remove) {
                try {
                    file.sftp().remove(file.path());
                } catch (IOException e) {
                    LOG.debug("removing {}, which an interrupted upload created, failed", file.path(), e);
                }
            }
        }, "sandgate-sftp-abandoned-" + NUMBERS.incrementAndGet());
        closer.setDaemon(true);
        closer.start();
    }
}
