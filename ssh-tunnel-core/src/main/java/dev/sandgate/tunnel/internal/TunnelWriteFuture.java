package dev.sandgate.tunnel.internal;

import org.apache.sshd.common.io.AbstractIoWriteFuture;

/** Completes when the bytes of one {@code writeBuffer} call have gone into the tunnel. */
final class TunnelWriteFuture extends AbstractIoWriteFuture {
    TunnelWriteFuture(Object id) {
        super(id, null);
    }

    void written() {
        setValue(Boolean.TRUE);
    }

    void failed(Throwable cause) {
        setValue(cause);
    }
}
