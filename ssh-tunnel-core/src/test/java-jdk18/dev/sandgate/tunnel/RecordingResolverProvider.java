package dev.sandgate.tunnel;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver on JDK 18 and later (registered in META-INF/services): it records every name and
 * address looked up by anyone in the JVM, then asks the JDK's built-in resolver (which the build points at the
 * repository's hosts file). Names under {@value #TEST_DOMAIN} it answers itself with 127.0.0.1, so that a test can use
 * a fresh name that no cache of the JDK has seen and that no other resolver is ever asked about.
 */
public final class RecordingResolverProvider extends InetAddressResolverProvider {
    /** Names ending so resolve to 127.0.0.1 here, without asking the built-in resolver. */
    static final String TEST_DOMAIN = ".resolver.test";

    private static final List<String> LOOKUPS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    /** {@return whether the JDK took this provider as its resolver} */
    static boolean installed() {
        return installed;
    }

    /** {@return every name looked up so far, in order; a reverse lookup as "address " and the address} */
    static List<String> lookups() {
        return List.copyOf(LOOKUPS);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        installed = true;
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                LOOKUPS.add(host);
                if (host.toLowerCase(Locale.ROOT).endsWith(TEST_DOMAIN)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                LOOKUPS.add("address " + InetAddress.getByAddress(address).getHostAddress());
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "sandgate-test-recording-resolver";
    }
}
