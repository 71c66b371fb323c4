package dev.fleetpulse.prometheus.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * User info in an endpoint URL ({@code https://user:password@host/...}): found and masked on the raw text, so that it
 * works for URLs that do not parse too. The sink logs its endpoint URL and names it in exception messages, so a URL
 * with credentials in it is refused, and every message about a refused URL shows it masked.
 */
public final class EndpointUrls {

    /**
     * Scheme, then an authority (up to the first '/', '?' or '#') holding an '@': all before its last '@' is user
     * info.
     */
    private static final Pattern USER_INFO = Pattern.compile("^(\\s*[A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@");

    private EndpointUrls() {
    }

    /** True when {@code url} carries user info (a user name, with or without a password). */
    public static boolean hasUserInfo(String url) {
        return url != null && USER_INFO.matcher(url).find();
    }

    /** {@code url} with its user info replaced by {@code ****}; unchanged when it has none. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        Matcher matcher = USER_INFO.matcher(url);
        return matcher.find() ? matcher.group(1) + "****@" + url.substring(matcher.end()) : url;
    }
}
