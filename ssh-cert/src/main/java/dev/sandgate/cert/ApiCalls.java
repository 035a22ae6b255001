package dev.sandgate.cert;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sandgate.cert.internal.RetryPolicy;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP call machinery of a {@link SandboxApi} (and of {@link TenkiApi}, through it): one OkHttp client, URLs under
 * the base URL, and each call's tries repeated as its {@link RetryPolicy} says, within the retry budgets and the
 * call's own limit. One try is an {@link ApiExchange}.
 */
final class ApiCalls {
    // named for SandboxApi, the class users know and configure logging for
    private static final Logger LOG = LoggerFactory.getLogger(SandboxApi.class);

    private final HttpUrl baseUrl;
    private final OkHttpClient http;
    private final ApiExchange exchange;
    private final int maxRetries;
    private final Duration maxRetryWait;

    ApiCalls(SandboxApi.Builder settings) {
        this.baseUrl = settings.baseUrl;
        this.maxRetries = settings.maxRetries;
        this.maxRetryWait = settings.maxRetryWait;
        this.exchange = new ApiExchange(settings);
        this.http = httpClient(settings);
    }

    private static OkHttpClient httpClient(SandboxApi.Builder settings) {
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                // OkHttp's own dispatcher threads are not daemons and idle for a minute: they would hold the JVM open
                .dispatcher(new Dispatcher(Executors.newCachedThreadPool(runnable -> {
                    Thread thread = new Thread(runnable, "sandgate-api");
                    thread.setDaemon(true);
                    return thread;
                })))
                .dns(hostname -> settings.resolver.resolve(hostname))
                .connectTimeout(settings.connectTimeout)
                .readTimeout(settings.readTimeout)
                .writeTimeout(settings.readTimeout)
                .callTimeout(settings.callTimeout)
                // the token goes only where the API URL says: a redirect is an answer to report, not to follow
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false);
        if (settings.tlsTrust != null) {
            http.sslSocketFactory(settings.tlsTrust.socketFactory(), settings.tlsTrust.trustManager());
        }
        return http.build();
    }

    HttpUrl baseUrl() {
        return baseUrl;
    }

    /** The base URL extended by these path segments, each encoded as one segment. */
    HttpUrl url(String... segments) {
        HttpUrl.Builder url = baseUrl.newBuilder();
        for (String segment : segments) {
            url.addPathSegment(Objects.requireNonNull(segment, "path segment"));
        }
        return url.build();
    }

    /** A call within this client's own limits, with no {@code Idempotency-Key}. */
    JsonNode call(String method, HttpUrl url, JsonNode body, String what, RetryPolicy retryPolicy)
            throws SandboxApiException {
        return call(method, url, body, what, retryPolicy, null, null);
    }

    /**
     * @param limit          a bound on the whole call, retries included, or null for this client's own limits
     * @param idempotencyKey the {@code Idempotency-Key} sent on every try, or null
     */
    JsonNode call(String method, HttpUrl url, JsonNode body, String what, RetryPolicy retryPolicy, Duration limit,
            String idempotencyKey) throws SandboxApiException {
        long start = System.nanoTime();
        // the budget is the time spent waiting between tries, as maxRetryWait says: the tries' own time is bounded by
        // the timeouts, so a retry after a timed-out try is still possible
        long waitBudget = (limit == null ? maxRetryWait : min(limit, maxRetryWait)).toNanos();
        long waited = 0;
        long hardDeadline = limit == null ? Long.MAX_VALUE : start + limit.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                OkHttpClient client = http;
                if (limit != null) {
                    long left = hardDeadline - System.nanoTime();
                    if (left <= 0) {
                        throw new ApiConnectionException(what + " got no answer within " + limit.toMillis() + " ms", 0,
                                null, null, null);
                    }
                    // a derived client shares the connection pool and threads; only the limit differs
                    client = http.newBuilder().callTimeout(Duration.ofNanos(left)).build();
                }
                return exchange.send(client, method, url, body, what, idempotencyKey);
            } catch (ApiExchange.FailedAnswer answer) {
                Duration delay = retryPolicy.delayBeforeRetry(answer.failure, answer.retryAfter, attempt);
                boolean withinBudget = delay != null && attempt <= maxRetries
                        && waited + delay.toNanos() <= waitBudget
                        && System.nanoTime() + delay.toNanos() < hardDeadline;
                if (!withinBudget) {
                    throw answer.failure;
                }
                LOG.debug("{} {}; retrying in {} ms (attempt {} of {})", what, answer.failure.status() == 0
                        ? "got no answer" : "answered " + answer.failure.status(), delay.toMillis(), attempt + 1,
                        maxRetries + 1);
                sleep(delay, what);
                waited += delay.toNanos();
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration delay, String what) throws ApiConnectionException {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiConnectionException(what + " was interrupted while waiting to retry", 0, null, null, e);
        }
    }

    /** Releases the HTTP client's connections and threads. */
    void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
