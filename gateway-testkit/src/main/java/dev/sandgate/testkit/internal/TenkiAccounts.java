package dev.sandgate.testkit.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

/**
 * Tenki's accounts and their tokens, and how a request proves one: a {@code tk_} API key as
 * {@code Authorization: Bearer}, an {@code ory_st_} session token as {@code X-Session-Token}, any other token as the
 * cookie {@code tenki_session}. A token counts only in the header its kind goes in, as Tenki's SDKs send it: an API key
 * in a cookie is not a login. Thread-safe.
 */
final class TenkiAccounts {
    static final String COOKIE_NAME = "tenki_session";
    static final String SESSION_TOKEN_HEADER = "X-Session-Token";

    /** How a token travels, decided by its prefix. */
    enum Carrier {
        BEARER("tk_"),
        SESSION_TOKEN("ory_st_"),
        COOKIE("");

        final String prefix;

        Carrier(String prefix) {
            this.prefix = prefix;
        }

        static Carrier of(String token) {
            return token.startsWith(BEARER.prefix) ? BEARER
                    : token.startsWith(SESSION_TOKEN.prefix) ? SESSION_TOKEN : COOKIE;
        }
    }

    /** Who a request is: its account and the header its token came in. */
    record Login(String account, Carrier carrier) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> accountOfToken = new ConcurrentHashMap<>();

    /** Makes a token of this kind for the account. */
    String issue(Carrier carrier, String account) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        // a cookie value must not look like the other kinds, whatever its random start
        String token = carrier == Carrier.COOKIE ? "MTc" + secret : carrier.prefix + secret;
        accountOfToken.put(token, account);
        return token;
    }

    String accountOf(String token) {
        return accountOfToken.get(token);
    }

    /** Forgets a token: it is refused from now on, as a revoked key is. */
    void revoke(String token) {
        accountOfToken.remove(token);
    }

    /** The login a request's headers prove, or null when none of its credentials is a valid one of its kind. */
    Login authenticate(HttpHeaders headers) {
        String bearer = bearer(headers.get(HttpHeaderNames.AUTHORIZATION));
        Login login = check(bearer, Carrier.BEARER);
        if (login == null) {
            login = check(trimmed(headers.get(SESSION_TOKEN_HEADER)), Carrier.SESSION_TOKEN);
        }
        if (login == null) {
            login = check(cookie(headers), Carrier.COOKIE);
        }
        return login;
    }

    /** Whether the request carries any credential at all (a wrong one and none are both refused, said differently). */
    static boolean hasCredential(HttpHeaders headers) {
        return bearer(headers.get(HttpHeaderNames.AUTHORIZATION)) != null
                || trimmed(headers.get(SESSION_TOKEN_HEADER)) != null || cookie(headers) != null;
    }

    private Login check(String token, Carrier carrier) {
        if (token == null || Carrier.of(token) != carrier) {
            return null;
        }
        String account = accountOfToken.get(token);
        return account == null ? null : new Login(account, carrier);
    }

    private static String bearer(String header) {
        return Bearer.token(header);
    }

    private static String trimmed(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        return trimmed.isEmpty() ? null : trimmed;
    }

    private static String cookie(HttpHeaders headers) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
                if (COOKIE_NAME.equals(cookie.name())) {
                    return trimmed(cookie.value());
                }
            }
        }
        return null;
    }
}
