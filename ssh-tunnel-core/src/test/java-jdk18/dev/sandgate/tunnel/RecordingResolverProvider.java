package dev.sandgate.tunnel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver on JDK 18 and later (registered in META-INF/services): it records every name and
 * address looked up by anyone in the JVM. The JDK ignores a resolver provider when {@code jdk.net.hosts.file} is set,
 * so on these JDKs this module's test JVMs get {@code -Dsandgate.testHosts=<the repository's test-hosts>} instead, and
 * this resolver answers from that file alone, as the JDK's hosts-file resolver would: it never asks DNS, and a name the
 * file does not list fails at once. Names under {@value #TEST_DOMAIN} it answers with 127.0.0.1, so that a test can
 * use a fresh name that no cache of the JDK has seen. Without {@code sandgate.testHosts} (a run outside the build) it
 * asks the JDK's built-in resolver.
 */
public final class RecordingResolverProvider extends InetAddressResolverProvider {
    /** Names ending so resolve to 127.0.0.1 here. */
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
        String hostsFile = System.getProperty("sandgate.testHosts");
        InetAddressResolver fallback = hostsFile == null ? configuration.builtinResolver() : null;
        Map<String, List<InetAddress>> hosts = hostsFile == null ? Map.of() : read(Path.of(hostsFile));
        installed = true;
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                LOOKUPS.add(host);
                String name = host.toLowerCase(Locale.ROOT);
                if (name.endsWith(TEST_DOMAIN)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                if (fallback != null) {
                    return fallback.lookupByName(host, policy);
                }
                List<InetAddress> found = byPolicy(hosts.getOrDefault(name, List.of()), policy);
                if (found.isEmpty()) {
                    throw new UnknownHostException(host + " is not in the test hosts file " + hostsFile);
                }
                return found.stream().map(address -> named(host, address));
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                InetAddress wanted = InetAddress.getByAddress(address);
                LOOKUPS.add("address " + wanted.getHostAddress());
                if (fallback != null) {
                    return fallback.lookupByAddress(address);
                }
                return hosts.entrySet().stream().filter(entry -> entry.getValue().contains(wanted))
                        .map(Map.Entry::getKey).findFirst()
                        .orElseThrow(() -> new UnknownHostException(wanted.getHostAddress()
                                + " is not in the test hosts file " + hostsFile));
            }
        };
    }

    @Override
    public String name() {
        return "sandgate-test-recording-resolver";
    }

    /** The hosts file's names, each with its addresses in the file's order. */
    private static Map<String, List<InetAddress>> read(Path file) {
        Map<String, List<InetAddress>> hosts = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int comment = line.indexOf('#');
                String[] fields = (comment < 0 ? line : line.substring(0, comment)).trim().split("\\s+");
                if (fields.length < 2) {
                    continue;
                }
                // an address literal: parsed, never looked up
                InetAddress address = InetAddress.getByName(fields[0]);
                for (String name : Arrays.asList(fields).subList(1, fields.length)) {
                    hosts.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(address);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The test hosts file " + file + " cannot be read", e);
        }
        return hosts;
    }

    private static List<InetAddress> byPolicy(List<InetAddress> addresses, InetAddressResolver.LookupPolicy policy) {
        int wanted = policy.characteristics();
        boolean v4 = (wanted & InetAddressResolver.LookupPolicy.IPV4) != 0;
        boolean v6 = (wanted & InetAddressResolver.LookupPolicy.IPV6) != 0;
        boolean v6First = (wanted & InetAddressResolver.LookupPolicy.IPV6_FIRST) != 0;
        boolean v4First = (wanted & InetAddressResolver.LookupPolicy.IPV4_FIRST) != 0;
        Comparator<InetAddress> order = Comparator.comparingInt(a -> (a instanceof Inet4Address) == v6First ? 1 : 0);
        return addresses.stream()
                .filter(a -> a instanceof Inet4Address ? v4 : v6)
                .sorted(v4First || v6First ? order : (a, b) -> 0)
                .toList();
    }

    private static InetAddress named(String host, InetAddress address) {
        try {
            return InetAddress.getByAddress(host, address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
