package dev.fleetpulse.jobs.config;

import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@link ApplicationProperties} into typed values while collecting every problem, so a job reports all of its
 * configuration mistakes at once, each with its full key name, instead of one per restart.
 *
 * <pre>{@code
 * ConfigReader config = new ConfigReader("vehicle-event-generator", properties);
 * ConfigReader.Group dataGen = config.group("DataGen");
 * int vehicles = dataGen.intIn("vehicles", 1000, 1, 10_000_000);
 * String servers = config.group("KafkaSink").requiredString("bootstrap.servers");
 * config.validate(); // throws InvalidConfigurationException listing every problem; warns about unknown keys
 * }</pre>
 *
 * A value with a problem reads as the default (or a neutral value for required keys), so reading can go on and find
 * the next problem; nothing read from a reader with problems is used, because {@link #validate()} throws.
 */
public final class ConfigReader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReader.class);

    private final String job;
    private final ApplicationProperties properties;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();

    public ConfigReader(String job, ApplicationProperties properties) {
        this.job = job;
        this.properties = properties;
    }

    /** The reader of one property group; the group may be absent, then every key has its default. */
    public Group group(String name) {
        return groups.computeIfAbsent(name, n -> new Group(n, properties.group(n)));
    }

    /** Records a problem found by a rule that spans several keys. */
    public void problem(String fullKey, String message) {
        problems.add(fullKey + ": " + message);
    }

    /**
     * Every key any group reader asked for so far, as {@code Group.key}, in reading order. A job that reads its whole
     * configuration lists here every key it understands; the documentation test checks each has a row.
     */
    public List<String> keysRead() {
        List<String> keys = new ArrayList<>();
        groups.values().forEach(g -> g.read.forEach(k -> keys.add(g.name + "." + k)));
        return keys;
    }

    /** Problems found so far. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Throws when any problem was found, listing all of them; otherwise logs a warning for every key and group that no
     * reader asked for (most likely a typo) and returns.
     */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(job, problems);
        }
        for (String name : properties.groupNames()) {
            Group group = groups.get(name);
            if (group == null) {
                LOG.warn("{}: ignoring unknown property group '{}'", job, name);
                continue;
            }
            for (String key : group.values.keySet()) {
                if (!group.read.contains(key)) {
                    LOG.warn("{}: ignoring unknown property {}.{}", job, name, key);
                }
            }
        }
    }

    /** Typed access to one property group. */
    public final class Group {

        private final String name;
        private final Map<String, String> values;
        private final Set<String> read = new LinkedHashSet<>();

        private Group(String name, Map<String, String> values) {
            this.name = name;
            this.values = values;
        }

        public String name() {
            return name;
        }

        /** The trimmed value, or {@code null} when absent or blank. Marks the key as known. */
        public String raw(String key) {
            read.add(key);
            String v = values.get(key);
            return v == null || v.isBlank() ? null : v.strip();
        }

        public boolean has(String key) {
            return raw(key) != null;
        }

        public String requiredString(String key) {
            String v = raw(key);
            if (v == null) {
                problem(key, "is required");
                return "";
            }
            return v;
        }

        public String string(String key, String defaultValue) {
            String v = raw(key);
            return v == null ? defaultValue : v;
        }

        public int intIn(String key, int defaultValue, int min, int max) {
            return (int) longIn(key, defaultValue, min, max);
        }

        public int requiredIntIn(String key, int min, int max) {
            return (int) requiredLongIn(key, min, max);
        }

        public long longIn(String key, long defaultValue, long min, long max) {
            String v = raw(key);
            return v == null ? defaultValue : parseLong(key, v, defaultValue, min, max);
        }

        public long requiredLongIn(String key, long min, long max) {
            String v = raw(key);
            if (v == null) {
                problem(key, "is required (an integer in [" + min + ", " + max + "])");
                return min;
            }
            return parseLong(key, v, min, min, max);
        }

        public double doubleIn(String key, double defaultValue, double min, double max) {
            String v = raw(key);
            return v == null ? defaultValue : parseDouble(key, v, defaultValue, min, max);
        }

        public boolean bool(String key, boolean defaultValue) {
            String v = raw(key);
            if (v == null) {
                return defaultValue;
            }
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            problem(key, "must be true or false, was '" + v + "'");
            return defaultValue;
        }

        /**
         * A duration such as {@code 30 s}, {@code 5 min} or {@code 500ms} (Flink's notation), or {@code off} or
         * {@code 0} for {@link Duration#ZERO}; when not zero, at least {@code min}.
         */
        public Duration durationOrOff(String key, Duration defaultValue, Duration min) {
            String v = raw(key);
            if (v == null) {
                return defaultValue;
            }
            if (v.equals("0") || v.equalsIgnoreCase("off")) {
                return Duration.ZERO;
            }
            try {
                Duration parsed = TimeUtils.parseDuration(v);
                if (parsed.compareTo(min) >= 0) {
                    return parsed;
                }
            } catch (IllegalArgumentException e) {
                // reported below, with what is accepted
            }
            problem(key, "must be off or a duration of at least " + TimeUtils.formatWithHighestUnit(min)
                    + " such as 30 s or 5 min, was '" + v + "'");
            return defaultValue;
        }

        /**
         * One of the given choices, compared case-insensitively; the choices are the exact strings users write,
         * e.g. {@code "at-least-once"}.
         */
        public String choice(String key, String defaultValue, List<String> choices) {
            String v = raw(key);
            if (v == null) {
                return defaultValue;
            }
            for (String c : choices) {
                if (c.equalsIgnoreCase(v)) {
                    return c;
                }
            }
            problem(key, "must be one of " + String.join(", ", choices) + ", was '" + v + "'");
            return defaultValue;
        }

        /** Every key of this group that starts with {@code prefix} and is not in {@code exclude}, prefix removed. */
        public Map<String, String> passThrough(String prefix, Set<String> exclude) {
            Map<String, String> result = new HashMap<>();
            values.forEach((k, v) -> {
                if (k.startsWith(prefix) && !exclude.contains(k)) {
                    read.add(k);
                    result.put(k.substring(prefix.length()), v);
                }
            });
            return result;
        }

        /** Records a problem with a key of this group. */
        public void problem(String key, String message) {
            ConfigReader.this.problem(name + "." + key, message);
        }

        private long parseLong(String key, String v, long fallback, long min, long max) {
            long parsed;
            try {
                parsed = Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                problem(key, "must be an integer, was '" + v + "'");
                return fallback;
            }
            if (parsed < min || parsed > max) {
                problem(key, "must be in [" + min + ", " + max + "], was " + parsed);
                return fallback;
            }
            return parsed;
        }

        private double parseDouble(String key, String v, double fallback, double min, double max) {
            double parsed;
            try {
                parsed = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                problem(key, "must be a number, was '" + v + "'");
                return fallback;
            }
            if (!(parsed >= min && parsed <= max)) {
                problem(key, "must be in [" + min + ", " + max + "], was " + v);
                return fallback;
            }
            return parsed;
        }
    }
}
