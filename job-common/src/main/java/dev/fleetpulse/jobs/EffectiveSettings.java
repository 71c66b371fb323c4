package dev.fleetpulse.jobs;

import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import org.slf4j.Logger;

/**
 * One log line with the settings a component actually runs with, defaults resolved, so an operator reading the log
 * knows what the job did without reading the configuration. Values of keys that may hold secrets (passwords, JAAS
 * configurations, keys, tokens) are masked.
 */
public final class EffectiveSettings {

    public static final String MASK = "****";
    private static final String[] SECRET_KEY_PARTS = {"password", "secret", "jaas", "token", "credential", "key.pem",
        "keystore.key", "access.key", "session.key"};

    private EffectiveSettings() {
    }

    /** Logs {@code "<what>: k1=v1, k2=v2"} at INFO, in the map's iteration order, secrets masked. */
    public static void log(Logger log, String what, Map<String, ?> settings) {
        if (log.isInfoEnabled()) {
            log.info(format(what, settings));
        }
    }

    /** The line {@link #log} writes. */
    public static String format(String what, Map<String, ?> settings) {
        StringJoiner line = new StringJoiner(", ", what + ": ", "");
        settings.forEach((key, value) -> line.add(key + "=" + (isSecret(key) ? MASK : value)));
        return line.toString();
    }

    /** True for keys whose values may hold secrets; their values are shown as {@code ****}. */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String part : SECRET_KEY_PARTS) {
            if (lower.contains(part)) {
                return true;
            }
        }
        return false;
    }
}
