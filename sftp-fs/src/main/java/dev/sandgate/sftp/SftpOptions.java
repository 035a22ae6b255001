package dev.sandgate.sftp;

import java.time.Duration;
import java.util.Objects;

import dev.sandgate.cert.Visible;

/**
 * How a sandbox file system talks SFTP: how much it keeps in flight, how often its watch service polls, and how far it
 * trusts the server: how long it waits for an answer and how long a directory listing may be.
 *
 * <pre>{@code
 * SftpOptions options = SftpOptions.builder()
 *         .requestsInFlight(64)                        // deeper pipeline for a long-latency path
 *         .watchInterval(Duration.ofSeconds(1))
 *         .build();
 * FileSystem files = SandboxFileSystems.open(connection, options);
 * }</pre>
 *
 * @param requestSize          bytes asked for by one {@code READ} or sent by one {@code WRITE} request (capped by
 *                             what the server announces through {@code limits@openssh.com}, and to 32 KiB when it
 *                             announces nothing; a write is a few bytes shorter, so that its message fills whole SSH
 *                             channel packets)
 * @param requestsInFlight     requests a sequential read or write keeps outstanding. Together with
 *                             {@code requestSize} this bounds the bytes one stream has in flight (and so the memory
 *                             it holds): where the server takes shorter requests, more of them go out, so the bytes in
 *                             flight stay {@code requestSize × requestsInFlight}, up to 1024 requests
 * @param watchInterval        how often a {@link java.nio.file.WatchService} lists its directories
 * @param listingAttributesTtl how long attributes that came with a directory listing answer attribute reads of the
 *                             listed paths without asking the server again (what makes {@code Files.walk} one round
 *                             trip per directory); zero turns that off
 * @param requestTimeout       how long one request waits for the server's answer before it fails with a
 *                             {@link SftpTimeoutException} naming the path and this limit (the file system stays open,
 *                             and a late answer is dropped); opening the SFTP channel waits as long
 * @param maxDirectoryEntries  how many entries one directory listing may hold; a listing that goes on past it (a huge
 *                             or endless one from a broken or hostile server) fails with a {@code FileSystemException}
 *                             naming the directory and this limit. Listings are read batch by batch as they are
 *                             iterated, so memory stays flat whatever the bound
 */
public record SftpOptions(int requestSize, int requestsInFlight, Duration watchInterval, Duration listingAttributesTtl,
                          Duration requestTimeout, long maxDirectoryEntries) {
    /** The default {@link #requestTimeout()}: 60 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** The default {@link #maxDirectoryEntries()}: one million. */
    public static final long DEFAULT_MAX_DIRECTORY_ENTRIES = 1_000_000;

    /**
     * The defaults: 256 KiB requests, 16 in flight (4 MiB per stream), polling every 2 s, 60 s to answer a request,
     * a million entries a directory. OpenSSH's client asks for
     * up to 64 requests as long as the server allows (255 KiB with OpenSSH's sftp-server). Measured to OpenSSH's sshd,
     * 1 GiB, median of 3 in one run: 255 KiB requests against 32 KiB ones (64 in flight) took downloads through
     * tinyproxy from 149 to 179 MB/s and through squid from 292 to 350 MB/s; 16 of 255 KiB against 64 of 32 KiB took
     * uploads through tinyproxy from 146 to 180 MB/s. 16 in flight against 64 changed nothing beyond the spread.
     */
    public static final SftpOptions DEFAULTS = builder().build();

    /**
     * Checks that each value is in its range; the exception names the bad one.
     *
     * @param requestSize bytes one {@code READ} or {@code WRITE} asks for, 1 KiB to 1 MiB
     * @param requestsInFlight requests a sequential read or write keeps outstanding, 1 to 1024
     * @param watchInterval how often a watch service lists its directories; positive
     * @param listingAttributesTtl how long a listing's attributes answer attribute reads; zero turns that off
     * @param requestTimeout the longest wait for one answer; positive
     * @param maxDirectoryEntries the most entries one listing may hold; at least 1
     */
    public SftpOptions {
        if (requestSize < 1024 || requestSize > 1024 * 1024) {
            throw new IllegalArgumentException("requestSize must be 1 KiB to 1 MiB, not " + requestSize);
        }
        if (requestsInFlight < 1 || requestsInFlight > 1024) {
            throw new IllegalArgumentException("requestsInFlight must be 1 to 1024, not " + requestsInFlight);
        }
        Objects.requireNonNull(watchInterval, "watchInterval");
        Objects.requireNonNull(listingAttributesTtl, "listingAttributesTtl");
        if (watchInterval.isNegative() || watchInterval.isZero()) {
            throw new IllegalArgumentException("watchInterval must be positive, not " + watchInterval);
        }
        if (listingAttributesTtl.isNegative()) {
            throw new IllegalArgumentException("listingAttributesTtl may not be negative: " + Visible.duration(listingAttributesTtl));
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, not " + Visible.duration(requestTimeout));
        }
        if (maxDirectoryEntries < 1) {
            throw new IllegalArgumentException("maxDirectoryEntries must be at least 1, not " + maxDirectoryEntries);
        }
    }

    /** {@return a builder that starts from {@link #DEFAULTS}} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SftpOptions}; each value is checked by {@link #build()}. */
    public static final class Builder {
        private int requestSize = 256 * 1024;
        private int requestsInFlight = 16;
        private Duration watchInterval = Duration.ofSeconds(2);
        private Duration listingAttributesTtl = Duration.ofSeconds(2);
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private long maxDirectoryEntries = DEFAULT_MAX_DIRECTORY_ENTRIES;

        private Builder() {
        }

        /**
         * How many bytes one read or write request asks for; default 256 KiB.
         *
         * @param bytes bytes per request, 1 KiB to 1 MiB; the server's announced limit may lower it
         * @return this builder
         */
        public Builder requestSize(int bytes) {
            this.requestSize = bytes;
            return this;
        }

        /**
         * How many read or write requests one stream keeps in flight; default 16.
         *
         * @param requests how many requests
         * @return this builder
         */
        public Builder requestsInFlight(int requests) {
            this.requestsInFlight = requests;
            return this;
        }

        /**
         * How often a watch service lists the watched directories; default 2 s.
         *
         * @param interval the time between two checks
         * @return this builder
         */
        public Builder watchInterval(Duration interval) {
            this.watchInterval = interval;
            return this;
        }

        /**
         * How long the attributes a directory listing brought stay usable for a following stat.
         *
         * @param ttl how long it should last
         * @return this builder
         */
        public Builder listingAttributesTtl(Duration ttl) {
            this.listingAttributesTtl = ttl;
            return this;
        }

        /**
         * How long one request waits for the server's answer; default 60 s. Past it the operation fails with a
         * {@link SftpTimeoutException}; a server that keeps the connection alive but never answers cannot hang a
         * caller for longer.
         *
         * @param timeout the longest wait for one answer
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * How many entries one directory listing may hold; default one million.
         *
         * @param entries the most entries one listing may hold
         * @return this builder
         */
        public Builder maxDirectoryEntries(long entries) {
            this.maxDirectoryEntries = entries;
            return this;
        }

        /** {@return a new {@code SftpOptions} with what was given to this builder} */
        public SftpOptions build() {
            return new SftpOptions(requestSize, requestsInFlight, watchInterval, listingAttributesTtl, requestTimeout,
                    maxDirectoryEntries);
        }
    }
}
