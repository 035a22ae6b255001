package dev.sandgate.cert;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses, for the API client and the transports. The default asks the system; tests and
 * special networks give their own, e.g. to make a name resolve to 127.0.0.1.
 *
 * <pre>{@code
 * HostResolver resolver = host -> host.endsWith(".test")
 *         ? List.of(InetAddress.getLoopbackAddress()) : HostResolver.SYSTEM.resolve(host);
 * }</pre>
 */
@FunctionalInterface
public interface HostResolver {
    /** The system's resolver. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * The addresses of {@code host}, in the order to try them; never empty.
     *
     * @param host the host name or address
     * @return the addresses of {@code host}, in the order to try them; never empty
     * @throws UnknownHostException if the name cannot be resolved
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
