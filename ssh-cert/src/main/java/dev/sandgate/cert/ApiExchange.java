package dev.sandgate.cert;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandgate.cert.internal.ApiErrors;
import dev.sandgate.cert.internal.Redaction;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * One HTTP exchange with the API, without retries: the request with its auth, and the answer read, bounded in size,
 * into JSON or into the typed failure. Whether to try again is {@link ApiCalls}'s business.
 */
final class ApiExchange {
    /** The most a success answer may hold; the largest real ones (a page of sessions) are a few KiB. */
    static final long MAX_BODY = 1024 * 1024;
    private static final long MAX_ERROR_BODY = 64 * 1024;
    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpUrl baseUrl;
    private final String token;
    private final Duration readTimeout;
    /** How a request carries the token: a bearer header for Sandgate's contract, another dialect's own way. */
    private final BiConsumer<Request.Builder, String> authorize;
    /** How an error answer becomes the exception for it: by status for Sandgate's contract, by code for Connect. */
    private final ErrorReader errors;
    private final ObjectMapper mapper = new ObjectMapper();

    /** Reads an error answer into its exception. */
    @FunctionalInterface
    interface ErrorReader {
        SandboxApiException read(String what, Response response, String body, String secret);
    }

    ApiExchange(SandboxApi.Builder settings) {
        this.baseUrl = settings.baseUrl;
        this.token = settings.token;
        this.readTimeout = settings.readTimeout;
        this.authorize = settings.authorize;
        this.errors = settings.errors;
    }

    /**
     * One HTTP exchange: the parsed JSON of a 2xx, or the typed failure wrapped with its Retry-After. A failure with no
     * answer that a retry may cure (a timeout, a broken connection) is wrapped too, for a policy that retries it;
     * one that a retry will not cure (no such host, nothing listening, TLS) is thrown as it is.
     *
     * @param http           the client to send with, whose call timeout may be shorter than the configured one
     * @param idempotencyKey the {@code Idempotency-Key} to send, or null
     */
    JsonNode send(OkHttpClient http, String method, HttpUrl url, JsonNode body, String what, String idempotencyKey)
            throws SandboxApiException, FailedAnswer {
        RequestBody requestBody = body == null ? null : RequestBody.create(body.toString(), JSON);
        Request.Builder builder = new Request.Builder()
                .url(url)
                .header("Accept", "application/json")
                .method(method, requestBody);
        authorize.accept(builder, token);
        if (idempotencyKey != null) {
            builder.header("Idempotency-Key", idempotencyKey);
        }
        Request request = builder.build();
        try (Response response = http.newCall(request).execute()) {
            if (response.code() / 100 == 3) {
                String location = response.header("Location");
                throw new InvalidResponseException(what + " was answered with a redirect (HTTP " + response.code()
                        + ") to " + (location == null ? "nowhere" : Redaction.excerpt(location, token))
                        + ", which is not followed: the token goes only to the API URL; check it", response.code(),
                        null, null, null);
            }
            ResponseBody responseBody = response.body();
            if (!response.isSuccessful()) {
                String text = responseBody == null ? "" : bounded(responseBody, MAX_ERROR_BODY, what, response.code());
                throw new FailedAnswer(errors.read(what, response, text, token), ApiErrors.retryAfter(response));
            }
            String text = responseBody == null ? "" : bounded(responseBody, MAX_BODY, what, response.code());
            if (text.isBlank()) {
                return mapper.createObjectNode();
            }
            try {
                return mapper.readTree(text);
            } catch (IOException e) {
                throw new InvalidResponseException(what + " returned HTTP " + response.code()
                        + " with a body that is not JSON: " + Redaction.excerpt(text, token), response.code(), null, null, e);
            }
        } catch (SandboxApiException | FailedAnswer e) {
            throw e;
        } catch (InterruptedIOException e) {
            ApiConnectionException failure = new ApiConnectionException(what + " got no answer from " + baseUrl.host()
                    + ":" + baseUrl.port() + " within the timeouts (read " + readTimeout.toMillis() + " ms, call "
                    + http.callTimeoutMillis() + " ms)", 0, null, null, e);
            if (Thread.currentThread().isInterrupted()) {
                throw failure;
            }
            throw new FailedAnswer(failure, null);
        } catch (IOException e) {
            ApiConnectionException failure = new ApiConnectionException(what + " could not reach the sandbox API at "
                    + baseUrl.host() + ":" + baseUrl.port() + ": " + unreachable(e), 0, null, null, e);
            if (retryWillNotCure(e)) {
                throw failure;
            }
            throw new FailedAnswer(failure, null);
        }
    }

    /**
     * Whether the failure will be the same on a retry a moment later: no such host, nothing listening, no route, TLS
     * refused, an answer that broke HTTP. A connection that broke mid-call may do better the next time.
     */
    private static boolean retryWillNotCure(IOException e) {
        return e instanceof java.net.ConnectException || e instanceof java.net.NoRouteToHostException
                || e instanceof java.net.UnknownHostException || e instanceof javax.net.ssl.SSLException
                || e instanceof java.net.ProtocolException;
    }

    /** Why a call got no answer, in words (the cause stays attached for the details). */
    private static String unreachable(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "nothing accepts connections there (is the URL right, and the service up?)";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "the host name is unknown";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * The body as text, if it is at most {@code max} bytes: an answer larger than any real one is refused, not read
     * into memory. An error body is cut to its first {@code max} bytes instead (only an excerpt is shown).
     */
    private static String bounded(ResponseBody body, long max, String what, int status) throws IOException {
        okio.BufferedSource source = body.source();
        boolean more = source.request(max + 1);
        okio.Buffer buffer = source.getBuffer();
        if (more && status / 100 == 2) {
            throw new InvalidResponseException(what + " answered with a body larger than " + (max / 1024)
                    + " KiB; no answer of the contract is that large", status, null, null, null);
        }
        return buffer.snapshot((int) Math.min(buffer.size(), max)).utf8();
    }

    /** An error answer travelling to the retry loop, which decides by policy whether to try again. */
    static final class FailedAnswer extends Exception {
        private static final long serialVersionUID = 1L;

        final transient SandboxApiException failure;
        final transient Duration retryAfter;

        FailedAnswer(SandboxApiException failure, Duration retryAfter) {
            super(null, null, false, false);
            this.failure = failure;
            this.retryAfter = retryAfter;
        }
    }
}
