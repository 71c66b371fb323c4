package dev.fleetpulse.prometheus.amp;

import dev.fleetpulse.prometheus.http.EndpointUrls;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A remote-write URL of an Amazon Managed Service for Prometheus workspace,
 * {@code https://aps-workspaces.<region>.amazonaws.com/workspaces/<workspace-id>/api/v1/remote_write}, and the
 * region and workspace id it names.
 *
 * @param uri the URL as given
 * @param region the region in the host name, e.g. {@code eu-west-1}; the SigV4 signing region
 * @param workspaceId the workspace id in the path, e.g. {@code ws-0f2a1b3c-...}
 */
public record AmpWorkspaceUrl(URI uri, String region, String workspaceId) {

    /** China regions live under {@code amazonaws.com.cn}. */
    private static final Pattern HOST = Pattern.compile("aps-workspaces\\.([^.]+)\\.amazonaws\\.com(\\.cn)?");
    /** Every AWS region name: partition prefix, geography, sequence number (us-east-1, us-gov-west-1, ap-southeast-5). */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern PATH = Pattern.compile("/workspaces/(ws-[0-9A-Za-z][0-9A-Za-z-]*)/api/v1/remote_write");
    private static final String EXAMPLE =
            "https://aps-workspaces.<region>.amazonaws.com/workspaces/<ws-id>/api/v1/remote_write";

    /**
     * Whether the URL points at an AMP workspace endpoint (its host is {@code aps-workspaces.<region>.amazonaws.com}),
     * whatever its path; use {@link #parse} to check the rest. False for anything that is not a URL.
     */
    public static boolean isAmpHost(String url) {
        if (url == null) {
            return false;
        }
        try {
            String host = new URI(url.strip()).getHost();
            return host != null && HOST.matcher(host.toLowerCase(Locale.ROOT)).matches();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Whether {@code region} has the shape of an AWS region name, e.g. {@code us-east-1}. */
    public static boolean isRegionName(String region) {
        return region != null && REGION.matcher(region).matches();
    }

    /**
     * Parses an AMP remote-write URL.
     *
     * @throws IllegalArgumentException naming what is wrong and showing the expected shape
     */
    public static AmpWorkspaceUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("AMP remote-write URL is missing; expected " + EXAMPLE);
        }
        // Messages show the URL without user info (the only secret a URL can carry), and no exception of the URI
        // parser is chained: its message repeats the input.
        String shown = EndpointUrls.redact(url);
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + shown + "' is not a valid URL (" + e.getReason() + "); expected "
                    + EXAMPLE);
        }
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        Matcher hostMatch = host == null ? null : HOST.matcher(host);
        if (hostMatch == null || !hostMatch.matches()) {
            throw new IllegalArgumentException("'" + shown + "' is not an AMP workspace URL: the host must be "
                    + "aps-workspaces.<region>.amazonaws.com; expected " + EXAMPLE);
        }
        String region = hostMatch.group(1);
        if (!isRegionName(region)) {
            throw new IllegalArgumentException("'" + shown + "' names no AWS region in its host ('" + region
                    + "' is not a region name such as us-east-1); expected " + EXAMPLE);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("'" + shown + "' must use https: AMP accepts remote-write over TLS"
                    + " only");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + shown + "' must not carry user info, a query or a fragment; "
                    + "expected " + EXAMPLE);
        }
        Matcher pathMatch = PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (!pathMatch.matches()) {
            throw new IllegalArgumentException("'" + shown + "' has the wrong path for AMP remote-write: expected "
                    + "/workspaces/<ws-id>/api/v1/remote_write (the workspace's 'Endpoint - remote write URL' in the "
                    + "AMP console)");
        }
        return new AmpWorkspaceUrl(uri, region, pathMatch.group(1));
    }
}
